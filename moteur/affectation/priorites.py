"""Les priorités des projets sur les élèves et les places réservées à la mixité.

La priorité d'un élève pour un projet est la clé (du meilleur au moins bon) :
    (- points du barème, distance au mètre près si le barème la retient, tirage au sort)
Le tirage au sort est unique par élève (un seul tirage pour toute la session).

Places réservées (mixité) : dans un projet demandé par les deux genres (l'élève a le
projet n'importe où dans ses voeux), chaque genre a `Bareme.reserve(capacité)` places
réservées. Une place réservée qui ne trouve pas de candidate ou de candidat est
aussitôt ouverte à tous : la mixité ne coûte jamais une place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moteur.affectation.bareme import Bareme, distance_metres, tirage_au_sort
from moteur.affectation.eligibilite import GENRES, Instance


@dataclass(slots=True)
class Priorites:
    """Les données publiques qui ordonnent les candidats : par élève ses points et son
    numéro de tirage, par projet ses places réservées par genre."""

    bareme: Bareme
    graine: int
    points: dict[str, int]
    tirage: dict[str, int]
    reserves: dict[str, dict[str, int]]  # projet → {"F": r, "M": r} (absent : aucune)

    def cle(self, eleve_id: str, distance_km: float) -> tuple[int, int, int]:
        """Plus petit = plus prioritaire. Calcul scalaire, indépendant des tableaux."""
        metres = distance_metres(distance_km) if self.bareme.departage_distance else 0
        return (-self.points[eleve_id], metres, self.tirage[eleve_id])


def points_tableau(instance: Instance, bareme: Bareme) -> np.ndarray:
    return bareme.points_boursier * instance.boursier.astype(
        np.int64
    ) + bareme.points_rural * instance.rural.astype(np.int64)


def reserves_tableau(instance: Instance, bareme: Bareme) -> np.ndarray:
    """(projets, 3) : places réservées F, M, autre (toujours 0)."""
    reserves = np.zeros((instance.nb_projets, 3), dtype=np.int64)
    deux_genres = (instance.demandeurs[:, 0] > 0) & (instance.demandeurs[:, 1] > 0)
    for p in np.flatnonzero(deux_genres):
        r = bareme.reserve(int(instance.capacite[p]))
        reserves[p, 0] = reserves[p, 1] = r
    return reserves


def rangs_priorite(
    instance: Instance, bareme: Bareme, graine: int, indices: np.ndarray
) -> np.ndarray:
    """Rang global de priorité (0 = le plus prioritaire) de chaque voeu de `indices`.
    Deux voeux d'un même projet se comparent par ce rang : c'est la clé `Priorites.cle`."""
    tirage = tirage_au_sort(graine, instance.nb_eleves)
    eleves = instance.v_eleve[indices]
    if bareme.departage_distance:
        metres = np.rint(instance.v_distance[indices] * 1000.0).astype(np.int64)
    else:
        metres = np.zeros(len(indices), dtype=np.int64)
    ordre = np.lexsort((tirage[eleves], metres, -points_tableau(instance, bareme)[eleves]))
    rangs = np.empty(len(indices), dtype=np.int64)
    rangs[ordre] = np.arange(len(indices), dtype=np.int64)
    return rangs


def calculer_priorites_instance(instance: Instance, bareme: Bareme, graine: int) -> Priorites:
    points = points_tableau(instance, bareme).tolist()
    tirage = tirage_au_sort(graine, instance.nb_eleves).tolist()
    reserves = reserves_tableau(instance, bareme)
    return Priorites(
        bareme=bareme,
        graine=graine,
        points=dict(zip(instance.eleve_ids, points, strict=True)),
        tirage=dict(zip(instance.eleve_ids, tirage, strict=True)),
        reserves={
            pid: {GENRES[0]: int(reserves[p, 0]), GENRES[1]: int(reserves[p, 1])}
            for p, pid in enumerate(instance.projet_ids)
            if reserves[p, 0] or reserves[p, 1]
        },
    )
