"""Allocation des élèves dans les projets, à partir de leurs voeux.

API publique :
- `affecter(session, politique="stable", graine=0, capacites=None, bareme=None,
  progression=None) -> ResultatAffectation` ;
- `premier_arrive(session, capacites=None)` : base de comparaison ;
- `borne_max_flot(session, capacites=None) -> int` ;
- `calculer_priorites(session, bareme=None, graine=0, capacites=None) -> Priorites` et
  `paires_envie_justifiee(session, resultat, priorites) -> int` ;
- `Bareme`, `bareme_defaut()` (chances égales, taux minimum), `bareme_priorite_absolue()`
  (option : boursiers et ruraux d'abord), `charger_bareme(chemin)` ;
  `texte_rapport(resultat, borne=None, detail_raisons=True)` : le rapport d'allocation,
  aux formats français (`moteur.francais`).
"""

from moteur.affectation.bareme import Bareme, bareme_defaut, bareme_priorite_absolue, charger_bareme
from moteur.affectation.principal import affecter, calculer_priorites, premier_arrive
from moteur.affectation.priorites import Priorites
from moteur.affectation.rapport import (
    borne_max_flot,
    calculer_indicateurs,
    eligibles_reference,
    paires_envie_justifiee,
    texte_rapport,
)
from moteur.affectation.resultat import POLITIQUES, Indicateurs, ResultatAffectation

__all__ = [
    "POLITIQUES",
    "Bareme",
    "Indicateurs",
    "Priorites",
    "ResultatAffectation",
    "affecter",
    "bareme_defaut",
    "bareme_priorite_absolue",
    "borne_max_flot",
    "calculer_indicateurs",
    "calculer_priorites",
    "charger_bareme",
    "eligibles_reference",
    "paires_envie_justifiee",
    "premier_arrive",
    "texte_rapport",
]
