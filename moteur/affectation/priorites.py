"""Les priorités des projets sur les élèves et les places réservées à la mixité.

L'ordre d'appel (`ordre_appel`) : une position par élève, unique pour toute la session.
- « taux_minimum » (défaut) : les élèves sont tirés au sort (graine publiée), puis la liste
  est reprise dans l'ordre. Taux minimum t : la part des boursiers dans la session, en
  pourcentage entier arrondi au-dessus. À chaque position k, si les k premiers appelés
  comptaient moins de ⌊k × t / 100⌋ boursiers, on appelle le premier boursier restant du
  tirage (de même pour les ruraux ; s'il faut les deux, un élève boursier et rural s'il en
  reste, sinon le premier des deux) ; sinon, le suivant du tirage. Chaque préfixe de
  l'ordre d'appel contient donc au moins la part de boursiers et de ruraux de la session
  (à un élève près) : c'est le « taux minimum de boursiers » de Parcoursup, vérifié sur
  chaque préfixe.
- « priorite_absolue » : par points décroissants, puis tirage au sort.

La priorité d'un élève pour un projet est la clé (du meilleur au moins bon) :
    (- points si priorité absolue, distance au mètre près si le barème la retient,
     position dans l'ordre d'appel)
Rien de cette clé ne dépend des voeux : un élève n'a aucun intérêt à mentir.

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
    """Les données publiques qui ordonnent les candidats : par élève ses points, son
    numéro de tirage et sa position dans l'ordre d'appel, par projet ses places réservées
    par genre."""

    bareme: Bareme
    graine: int
    points: dict[str, int]
    tirage: dict[str, int]
    reserves: dict[str, dict[str, int]]  # projet → {"F": r, "M": r} (absent : aucune)
    appel: dict[str, int]  # position dans l'ordre d'appel (0 = appelé en premier)

    def cle(self, eleve_id: str, distance_km: float) -> tuple[int, int, int]:
        """Plus petit = plus prioritaire. Calcul scalaire, indépendant des tableaux."""
        metres = distance_metres(distance_km) if self.bareme.departage_distance else 0
        return (-self.points[eleve_id], metres, self.appel[eleve_id])


def points_tableau(instance: Instance, bareme: Bareme) -> np.ndarray:
    """Points au barème de chaque élève (toujours 0 en « taux_minimum »)."""
    if not bareme.absolue:
        return np.zeros(instance.nb_eleves, dtype=np.int64)
    return bareme.points_boursier * instance.boursier.astype(
        np.int64
    ) + bareme.points_rural * instance.rural.astype(np.int64)


def ordre_appel(instance: Instance, bareme: Bareme, graine: int) -> np.ndarray:
    """Position de chaque élève dans l'ordre d'appel (0 = le premier). Voir l'en-tête."""
    tirage = tirage_au_sort(graine, instance.nb_eleves)
    if bareme.absolue:
        ordre = np.lexsort((tirage, -points_tableau(instance, bareme)))
    else:
        ordre = appel_a_taux_minimum(np.argsort(tirage), instance.boursier, instance.rural)
    position = np.empty(instance.nb_eleves, dtype=np.int64)
    position[ordre] = np.arange(instance.nb_eleves, dtype=np.int64)
    return position


def taux_minimum_pct(effectif: int, total: int) -> int:
    """Le taux minimum d'un public : sa part de la session en pourcentage entier, arrondie
    au-dessus (comme les taux de Parcoursup) : 6 412 boursiers sur 25 685 → 25 %."""
    return -(-100 * effectif // total) if total else 0


def appel_a_taux_minimum(tires: np.ndarray, boursier: np.ndarray, rural: np.ndarray) -> np.ndarray:
    """Les élèves dans l'ordre d'appel : `tires` (ordre du tirage) repris pour que chaque
    préfixe de longueur k compte au moins ⌊k × t_B / 100⌋ boursiers et ⌊k × t_R / 100⌋
    ruraux (t : `taux_minimum_pct`), tant qu'il en reste. Arrondi à l'élève inférieur :
    un boursier n'est avancé que si le début de liste en manque d'un élève entier (avec un
    boursier sur deux élèves, le tirage seul décide qui est appelé en premier)."""
    n = len(tires)
    total_b, total_r = int(boursier.sum()), int(rural.sum())
    t_b, t_r = taux_minimum_pct(total_b, n), taux_minimum_pct(total_r, n)
    # Quatre files de positions dans le tirage (0 : ni l'un ni l'autre, 1 : boursier seul,
    # 2 : rural seul, 3 : les deux), chacune terminée par une sentinelle n.
    classe = boursier[tires].astype(np.int64) + 2 * rural[tires].astype(np.int64)
    f0, f1, f2, f3 = ([*np.flatnonzero(classe == c).tolist(), n] for c in range(4))
    i0 = i1 = i2 = i3 = 0
    positions: list[int] = []
    nb_b = nb_r = 0
    for k in range(1, n + 1):
        besoin_b = nb_b < t_b * k // 100 and nb_b < total_b
        besoin_r = nb_r < t_r * k // 100 and nb_r < total_r
        h0, h1, h2, h3 = f0[i0], f1[i1], f2[i2], f3[i3]
        # La file choisie : celle dont la tête a été tirée la première parmi les files
        # permises (s'il manque les deux : un élève boursier et rural s'il en reste,
        # sinon le premier du tirage parmi un boursier seul et un rural seul).
        if besoin_b and besoin_r:
            c = 3 if h3 < n else (1 if h1 < h2 else 2)
        elif besoin_b:
            c = 1 if h1 < h3 else 3
        elif besoin_r:
            c = 2 if h2 < h3 else 3
        else:
            c = min((h0, 0), (h1, 1), (h2, 2), (h3, 3))[1]
        if c == 0:
            positions.append(h0)
            i0 += 1
        elif c == 1:
            positions.append(h1)
            i1 += 1
            nb_b += 1
        elif c == 2:
            positions.append(h2)
            i2 += 1
            nb_r += 1
        else:
            positions.append(h3)
            i3 += 1
            nb_b += 1
            nb_r += 1
    resultat: np.ndarray = tires[np.array(positions, dtype=np.int64)]
    return resultat.astype(np.int64)


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
    appel = ordre_appel(instance, bareme, graine)
    eleves = instance.v_eleve[indices]
    if bareme.departage_distance:
        metres = np.rint(instance.v_distance[indices] * 1000.0).astype(np.int64)
    else:
        metres = np.zeros(len(indices), dtype=np.int64)
    ordre = np.lexsort((appel[eleves], metres, -points_tableau(instance, bareme)[eleves]))
    rangs = np.empty(len(indices), dtype=np.int64)
    rangs[ordre] = np.arange(len(indices), dtype=np.int64)
    return rangs


def calculer_priorites_instance(instance: Instance, bareme: Bareme, graine: int) -> Priorites:
    points = points_tableau(instance, bareme).tolist()
    tirage = tirage_au_sort(graine, instance.nb_eleves).tolist()
    appel = ordre_appel(instance, bareme, graine).tolist()
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
        appel=dict(zip(instance.eleve_ids, appel, strict=True)),
    )
