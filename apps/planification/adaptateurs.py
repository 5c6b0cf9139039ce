"""Le pont entre la base (modèles Django) et le moteur (`moteur.modele`) : point d'entrée.

Le code est réparti en trois modules ; ce module les réexporte pour les appelants qui
importent encore `apps.planification.adaptateurs` :

- `lecture_moteur` (base → moteur) : `session_moteur`, `plan_moteur`, `a_un_plan`,
  `cle_projet`, `transport_moteur` ;
- `enregistrement_session` (moteur → base) : `enregistrer_session`, `supprimer_session`,
  `problemes_communes`, `inserer_en_masse`, `type_porteur` ;
- `enregistrement_plan` (moteur → base) : `enregistrer_plan`.

Remplacer une de ces fonctions ici (par exemple pour un banc d'essai) ne change pas celle
qu'appellent les autres modules : il faut la remplacer dans son module.
"""

from __future__ import annotations

from apps.etablissements.models import CHAMPS_IDENTITE
from apps.planification.enregistrement_plan import enregistrer_plan
from apps.planification.enregistrement_session import (
    CHAMPS_ELEVE_INSERES,
    CHAMPS_ETABLISSEMENT,
    CHAMPS_PROJET,
    CHAMPS_STRUCTURE,
    GEREES_ICI,
    LOT,
    LOT_BRUT,
    MOTS_DU_TYPE,
    Localisateur,
    enregistrer_session,
    inserer_en_masse,
    problemes_communes,
    supprimer_session,
    type_porteur,
)
from apps.planification.lecture_moteur import (
    COLONNES_ELEVE,
    a_un_plan,
    cle_projet,
    plan_moteur,
    session_moteur,
    transport_moteur,
)

__all__ = [
    "CHAMPS_ELEVE_INSERES",
    "CHAMPS_ETABLISSEMENT",
    "CHAMPS_IDENTITE",
    "CHAMPS_PROJET",
    "CHAMPS_STRUCTURE",
    "COLONNES_ELEVE",
    "GEREES_ICI",
    "LOT",
    "LOT_BRUT",
    "MOTS_DU_TYPE",
    "Localisateur",
    "a_un_plan",
    "cle_projet",
    "enregistrer_plan",
    "enregistrer_session",
    "inserer_en_masse",
    "plan_moteur",
    "problemes_communes",
    "session_moteur",
    "supprimer_session",
    "transport_moteur",
    "type_porteur",
]
