"""Réparer un plan publié sans déranger (issue 12, point 5).

API (pour la commande `plan --depuis` et pour la plateforme) :

    publie = lire_plan_publie(dossier_du_plan)          # ou PlanPublie(...) construit en base
    r = reparer(session, publie, graine=0, bareme=None) # -> Reparation
    r.plan            # Plan : affectations (tous les élèves de la session) et planning
    r.changements     # list[Changement] : les lignes de changements.csv
    r.journees        # list[JourneeDeplacee] : journées reportées (mêmes élèves)
    r.attente         # list[Attente] : la liste d'attente, dans l'ordre du barème
    r.obliges         # élèves qui devaient bouger ; r.raisons : non placés → raison
    ecrire_reparation(r, session, dossier)              # les quatre fichiers
"""

from moteur.reparation.publie import PlanPublie, lire_plan_publie
from moteur.reparation.reparer import (
    Attente,
    Changement,
    JourneeDeplacee,
    Reparation,
    reparer,
)
from moteur.reparation.sortie import (
    COLONNES_CHANGEMENTS,
    ecrire_reparation,
    texte_rapport_reparation,
)

__all__ = [
    "COLONNES_CHANGEMENTS",
    "Attente",
    "Changement",
    "JourneeDeplacee",
    "PlanPublie",
    "Reparation",
    "ecrire_reparation",
    "lire_plan_publie",
    "reparer",
    "texte_rapport_reparation",
]
