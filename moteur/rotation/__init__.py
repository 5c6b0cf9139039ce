"""Construction du programme : groupes et rotation jour par jour entre les structures.

- `capacite` : capacité effective des projets (avant l'allocation) ;
- `groupes` : découpe des élèves placés d'un projet en groupes ;
- `commun` : types de résultat et groupes, partagés par `cpsat` et `glouton` ;
- `cpsat` / `modele_cpsat` : rotation optimisée (OR-Tools CP-SAT), par composante ;
- `solveur` : réglages de CP-SAT (un fil, temps déterministe, garde-fou d'horloge) ;
- `explication` : pourquoi aucun plan n'existe, en termes actionnables ;
- `programme` : programme proposé avant les élèves, puis rempli ;
- `glouton` : rotation gloutonne de comparaison ; `mesures` : critères soft.
"""

from moteur.rotation.capacite import CapaciteEffective, capacite_effective
from moteur.rotation.commun import EchecProjet, ResultatRotation, StatsComposante
from moteur.rotation.cpsat import planifier_rotation
from moteur.rotation.glouton import rotation_gloutonne
from moteur.rotation.groupes import Groupe, decouper_groupes
from moteur.rotation.modele_cpsat import Poids
from moteur.rotation.programme import proposer_programme, remplir_programme

__all__ = [
    "CapaciteEffective",
    "EchecProjet",
    "Groupe",
    "Poids",
    "ResultatRotation",
    "StatsComposante",
    "capacite_effective",
    "decouper_groupes",
    "planifier_rotation",
    "proposer_programme",
    "remplir_programme",
    "rotation_gloutonne",
]
