"""Le barème publié : une donnée, pas du code.

Le barème dit dans quel ordre un projet prend ses candidats quand il en a trop
(politique « stable ») et ce que vaut l'égalité des chances dans la politique « optimale ».

Deux façons de traiter l'égalité des chances (`egalite`) :
- « taux_minimum » (défaut) : les chances égales. Un ordre d'appel unique, tiré au sort,
  où chaque début de liste (chaque préfixe) contient au moins la part de boursiers et la
  part d'élèves ruraux de la session, comme le « taux minimum de boursiers » de
  Parcoursup ; `optimal` vise des taux de placement boursiers et ruraux entre celui des
  autres et `ecart_max_pts` points au-dessus ;
- « priorite_absolue » (l'ancien défaut) : des points (boursier, rural) passent avant
  tout, puis la distance, puis le tirage au sort ; `optimal` place d'abord les élèves à
  points.

À ordre d'appel égal, le plus proche du point de rendez-vous passe avant si
`departage_distance` (non par défaut : la distance défavorise les élèves ruraux).

Le rang du voeu n'entre jamais dans la priorité : un élève n'a donc aucun intérêt à
classer ses voeux autrement que selon ses vraies préférences.

Il est chargé d'un fichier JSON ou TOML ; `bareme_defaut.json` est le barème publié.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from moteur.erreurs import ErreurUtilisateur, Probleme

CHEMIN_DEFAUT = Path(__file__).with_name("bareme_defaut.json")
CHEMIN_PRIORITE_ABSOLUE = Path(__file__).with_name("bareme_priorite_absolue.json")


EGALITES = ("taux_minimum", "priorite_absolue")


@dataclass(frozen=True, slots=True)
class Bareme:
    nom: str = "Barème par défaut"
    version: int = 2
    # « taux_minimum » (chances égales) ou « priorite_absolue » (les points d'abord).
    egalite: str = "taux_minimum"
    # Priorité absolue seulement : points de l'élève boursier, de l'élève rural.
    points_boursier: int = 2
    points_rural: int = 1
    # Taux minimum, politique « optimale » : taux de placement des boursiers (des ruraux)
    # au plus ce nombre de points au-dessus de celui des autres.
    ecart_max_pts: int = 3
    # Taux minimum, politique « optimale » : 1 (ou plus) = se rapprocher de la fourchette
    # d'égalité des chances passe avant la mixité et les rangs ; 0 = ignoré (« flot sans
    # équité », la comparaison du rapport).
    poids_egalite: int = 1
    # À ordre d'appel (et points) égal, le plus proche d'abord.
    departage_distance: bool = False
    # Mixité : aucun genre sous ce pourcentage quand les deux ont demandé le projet.
    seuil_mixite_pct: int = 30
    # Politique « optimale » : une place de mixité remplie vaut autant que ce nombre de points.
    poids_mixite: int = 1
    # Politique « optimale », à placés, égalité des chances et mixité égaux : manquer son
    # premier voeu coûte autant que ce nombre de rangs (0 : seule la somme des rangs compte).
    poids_premier_voeu: int = 10

    @property
    def absolue(self) -> bool:
        """Priorité absolue aux points (sinon : taux minimum, chances égales)."""
        return self.egalite == "priorite_absolue"

    def points(self, boursier: bool, rural: bool) -> int:
        """Points au barème : toujours 0 en « taux_minimum » (personne ne passe devant)."""
        if not self.absolue:
            return 0
        return self.points_boursier * int(boursier) + self.points_rural * int(rural)

    @property
    def points_max(self) -> int:
        if not self.absolue:
            return 0
        return max(0, self.points_boursier) + max(0, self.points_rural)

    def reserve(self, capacite: int) -> int:
        """Places réservées à chaque genre dans un projet de cette capacité.

        ⌈seuil × capacité⌉ (en entiers : pas d'erreur d'arrondi), sans que les deux
        réserves dépassent la capacité : 1 place → 0, 2 places → 1, 10 places → 3.
        """
        reserve = -(-self.seuil_mixite_pct * capacite // 100)
        return reserve if 2 * reserve <= capacite else capacite // 2


def bareme_defaut() -> Bareme:
    return charger_bareme(CHEMIN_DEFAUT)


def bareme_priorite_absolue() -> Bareme:
    """L'option publiée « priorité absolue » (l'ancien barème par défaut)."""
    return charger_bareme(CHEMIN_PRIORITE_ABSOLUE)


def charger_bareme(chemin: str | Path) -> Bareme:
    """Lit un barème JSON ou TOML. Clés inconnues ou valeurs invalides : ErreurUtilisateur."""
    chemin = Path(chemin)
    try:
        texte = chemin.read_text(encoding="utf-8")
        brut = tomllib.loads(texte) if chemin.suffix == ".toml" else json.loads(texte)
    except (OSError, ValueError) as erreur:
        raise ErreurUtilisateur(
            Probleme(f"barème illisible ({erreur})", fichier=chemin.name)
        ) from erreur
    return bareme_depuis_dict(brut, chemin.name)


def bareme_depuis_dict(brut: object, fichier: str = "") -> Bareme:
    if not isinstance(brut, dict):
        raise ErreurUtilisateur(Probleme("le barème doit être un objet", fichier=fichier))
    attendus = {f.name: f.type for f in fields(Bareme)}
    problemes = [
        Probleme(f"clé inconnue « {cle} »", fichier=fichier) for cle in brut if cle not in attendus
    ]
    for cle, valeur in brut.items():
        if cle not in attendus:
            continue
        type_attendu = attendus[cle]
        if type_attendu == "int" and (isinstance(valeur, bool) or not isinstance(valeur, int)):
            problemes.append(Probleme(f"« {cle} » doit être un entier", fichier=fichier))
        elif type_attendu == "bool" and not isinstance(valeur, bool):
            problemes.append(Probleme(f"« {cle} » doit valoir true ou false", fichier=fichier))
        elif type_attendu == "str" and not isinstance(valeur, str):
            problemes.append(Probleme(f"« {cle} » doit être un texte", fichier=fichier))
    seuil = brut.get("seuil_mixite_pct", 30)
    if isinstance(seuil, int) and not 0 <= seuil <= 50:
        problemes.append(Probleme("« seuil_mixite_pct » doit être entre 0 et 50", fichier=fichier))
    for cle in ("poids_premier_voeu", "poids_egalite", "ecart_max_pts"):
        valeur = brut.get(cle, 0)
        if isinstance(valeur, int) and valeur < 0:
            problemes.append(Probleme(f"« {cle} » doit être positif ou nul", fichier=fichier))
    egalite = brut.get("egalite", EGALITES[0])
    if isinstance(egalite, str) and egalite not in EGALITES:
        problemes.append(
            Probleme(
                f"« egalite » vaut « {egalite} » : attendu " + " ou ".join(EGALITES),
                fichier=fichier,
            )
        )
    if problemes:
        raise ErreurUtilisateur(problemes)
    return Bareme(**brut)


def tirage_au_sort(graine: int, nombre: int) -> np.ndarray:
    """Numéro de tirage de chaque élève (dans l'ordre du fichier) : une permutation de
    0..nombre-1, le plus petit passe en premier. Même graine, même tirage."""
    return np.random.default_rng(graine).permutation(nombre).astype(np.int64)


def distance_metres(distance_km: float) -> int:
    """La distance qui départage, arrondie au mètre (arrondi au pair, comme numpy.rint)."""
    return round(distance_km * 1000.0)
