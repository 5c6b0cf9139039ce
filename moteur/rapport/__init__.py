"""Le rapport du planificateur, fait pour être lu (issue 12, point 6).

- `rapport_markdown(session, resultat) -> str` : `rapport.md`, qui commence par une page de
  chiffres (placements, premiers vœux, chances, mixité, découverte, écarts) au format
  français (`16,9 %`, `1 234`), puis le détail ;
- `ecrire_composantes_csv(chemin, rotation)` : le tableau par composante de la rotation
  (`composantes.csv`, à côté du rapport) ;
- `nombre_fr`, `pourcent_fr` : nombres au format français (définis dans `moteur.francais`).

Sans aucune durée ni donnée personnelle : même entrée, même graine, même rapport.
"""

from moteur.francais import nombre_fr, pourcent_fr
from moteur.rapport.composantes import COLONNES_COMPOSANTES, ecrire_composantes_csv
from moteur.rapport.plan import chiffres_du_plan, rapport_markdown

__all__ = [
    "COLONNES_COMPOSANTES",
    "chiffres_du_plan",
    "ecrire_composantes_csv",
    "nombre_fr",
    "pourcent_fr",
    "rapport_markdown",
]
