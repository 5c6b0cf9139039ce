"""Égalité des chances : le taux de chaque public prioritaire est-il dans la fourchette,
et sinon pourquoi ? Une phrase en français par public (boursiers, ruraux), sans aucune
donnée personnelle, écrite directement au format français (`moteur.francais` : « vœu »,
`66,7 %`, `+9,5 points`, espaces insécables).

La fourchette : taux de placement du public au moins égal à celui des autres élèves et au
plus `ecart_max_pts` points au-dessus (barème « taux_minimum »).
"""

from __future__ import annotations

import numpy as np

from moteur.affectation.bareme import Bareme
from moteur.affectation.eligibilite import Instance
from moteur.affectation.resultat import Indicateurs
from moteur.francais import en_points_fr, pourcent_fr

PUBLICS = (("boursier", "Boursiers", "des boursiers"), ("rural", "Élèves ruraux", "des ruraux"))


def _taux(place: np.ndarray, masque: np.ndarray) -> float:
    total = int(masque.sum())
    return 100.0 * int((place & masque).sum()) / total if total else 0.0


def voeu_possible(instance: Instance) -> np.ndarray:
    """Par élève : au moins un voeu éligible (distance, âge) dans un projet qui a une place."""
    indices, _ = instance.voeux_eligibles()
    indices = indices[instance.capacite[instance.v_projet[indices]] > 0]
    possible = np.zeros(instance.nb_eleves, dtype=bool)
    possible[instance.v_eleve[indices]] = True
    return possible


def constats_egalite(
    instance: Instance,
    projet: np.ndarray,
    bareme: Bareme,
    politique: str,
    sans_egalite: Indicateurs | None = None,
) -> list[str]:
    """Une phrase par public : taux, écart, fourchette, et la raison d'un écart hors
    fourchette. `projet` : indice du projet de chaque élève, -1 si non placé."""
    place = projet >= 0
    possible = voeu_possible(instance)
    constats = []
    for attribut, nom, des in PUBLICS:
        public = np.asarray(getattr(instance, attribut), dtype=bool)
        if not public.any() or public.all():
            continue
        taux, autres = _taux(place, public), _taux(place, ~public)
        ecart = taux - autres
        debut = (
            f"{nom} : {pourcent_fr(taux)} placés contre {pourcent_fr(autres)} pour les "
            f"autres ({en_points_fr(ecart)})"
        )
        fourchette = f"(0 à {en_points_fr(bareme.ecart_max_pts, 0)})"
        if bareme.absolue:
            constats.append(debut + " ; barème à priorité absolue : ils passent avant les autres.")
            continue
        if politique == "optimal" and bareme.poids_egalite == 0:
            constats.append(debut + " ; flot sans équité : l'égalité n'est pas recherchée.")
            continue
        if -1e-9 <= ecart <= bareme.ecart_max_pts + 1e-9:
            constats.append(f"{debut} : dans la fourchette {fourchette}.")
            continue
        sans_t = 100.0 - _taux(possible, public)
        sans_a = 100.0 - _taux(possible, ~public)
        parmi = (
            f"{pourcent_fr(sans_t)} {des} n'ont aucun vœu possible (distance, âge, projet "
            f"sans place) contre {pourcent_fr(sans_a)} des autres ; parmi les élèves qui en "
            f"ont un, {pourcent_fr(_taux(place, public & possible))} contre "
            f"{pourcent_fr(_taux(place, ~public & possible))}"
        )
        sens = "sous" if ecart < 0 else "au-dessus de"
        constats.append(
            f"{debut} : {sens} la fourchette {fourchette}. {parmi}. "
            + _pourquoi(ecart < 0, politique)
        )
    return constats


def _pourquoi(dessous: bool, politique: str) -> str:
    if politique == "optimal":
        if dessous:
            return (
                "Les vœux ne permettent pas mieux : parmi les affectations qui placent le "
                "plus d'élèves possible, aucune n'en place davantage dans cette catégorie."
            )
        return (
            "Les vœux ne permettent pas moins sans perdre une place : les autres élèves "
            "n'ont pas de vœu possible dans les projets où ces élèves sont placés."
        )
    if politique == "premier-arrive":
        return "Premier arrivé, premier servi : aucune règle d'égalité des chances."
    if dessous:
        return (
            "Le barème ne les fait pas passer après : chaque début de l'ordre d'appel compte "
            "au moins leur part de la session. L'écart vient des projets qu'ils demandent "
            "(plus disputés) et du tirage au sort ; seule la politique « optimal » peut le "
            "combler, en choisissant qui placer."
        )
    return (
        "Aucune priorité ne les fait passer devant : l'ordre d'appel leur donne seulement "
        "leur part. Les projets qu'ils demandent sont moins disputés ; les placer moins "
        "obligerait à les faire passer après les autres."
    )
