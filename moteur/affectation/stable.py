"""Politique « stable » : acceptation différée proposée par les élèves (famille Affelnet).

Chaque élève libre propose son meilleur voeu éligible pas encore essayé ; chaque projet
garde provisoirement ses meilleurs candidats selon sa règle de choix et refuse les autres,
qui proposent leur voeu suivant. On s'arrête quand plus personne ne propose.

Règle de choix d'un projet de capacité c avec places réservées r_F, r_M (mixité) parmi
ses candidats A (réserves « souples », Hafalir, Yenmez et Yildirim, 2013) :
1. les r_F meilleures candidates de A (toutes s'il y en a moins) ;
2. les r_M meilleurs candidats de A (tous s'il y en a moins) ;
3. les places restantes, réservées non prises comprises, aux meilleurs des autres
   candidats, tous genres confondus.
Quand un candidat de trop arrive, le refusé est donc le moins prioritaire parmi ceux qui
ne sont pas protégés par une réserve : le dernier d'un genre qui a plus que sa réserve,
ou le dernier des élèves de genre non renseigné.

Cette règle est substituable et remplit toujours les places tant qu'il y a des candidats :
le résultat est stable (aucune envie justifiée au sens des réserves), il est le meilleur
résultat stable pour chaque élève, et aucun élève ne gagne à mentir sur ses voeux.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from moteur.affectation.bareme import Bareme
from moteur.affectation.eligibilite import Instance
from moteur.affectation.priorites import rangs_priorite, reserves_tableau


def acceptation_differee(
    instance: Instance,
    bareme: Bareme,
    graine: int,
    avec_mixite: bool = True,
    progression: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Projet (indice) de chaque élève, -1 si non placé."""
    indices, debut = instance.voeux_eligibles()
    rangs = rangs_priorite(instance, bareme, graine, indices)
    # Le voeu de rang de priorité r appartient à l'élève eleve_du_rang[r].
    eleve_du_rang = np.empty(len(indices), dtype=np.int64)
    eleve_du_rang[rangs] = instance.v_eleve[indices]
    eleve_du_rang_l = eleve_du_rang.tolist()
    projet_l = instance.v_projet[indices].tolist()
    rang_l = rangs.tolist()
    debut_l = debut.tolist()
    genre_l = instance.genre.tolist()
    capacite_l = instance.capacite.tolist()
    if avec_mixite:
        reserves_l = reserves_tableau(instance, bareme).tolist()
    else:
        reserves_l = [[0, 0, 0]] * instance.nb_projets

    # Candidats gardés : par projet et par genre, un tas de -rang (le pire en tête).
    gardes: list[list[list[int]]] = [[[], [], []] for _ in range(instance.nb_projets)]
    nb_gardes = [0] * instance.nb_projets
    prochain = debut_l[:-1]
    fin = debut_l[1:]
    libres = [e for e in range(instance.nb_eleves - 1, -1, -1) if prochain[e] < fin[e]]
    total = max(1, len(libres))
    places_l = [-1] * instance.nb_eleves
    traites = 0
    while libres:
        e = libres.pop()
        k = prochain[e]
        if k == fin[e]:
            continue  # plus aucun voeu éligible : non placé
        prochain[e] = k + 1
        p = projet_l[k]
        if capacite_l[p] == 0:
            libres.append(e)
            continue
        tas = gardes[p]
        heapq.heappush(tas[genre_l[e]], -rang_l[k])
        if nb_gardes[p] < capacite_l[p]:
            nb_gardes[p] += 1
            places_l[e] = p
            continue
        refuse = _refuser(tas, reserves_l[p])
        places_l[e] = p
        perdant = eleve_du_rang_l[refuse]
        places_l[perdant] = -1
        libres.append(perdant)
        traites += 1
        if progression is not None and traites % 200_000 == 0:
            progression(min(0.99, traites / (3 * total)))
    if progression is not None:
        progression(1.0)
    return np.array(places_l, dtype=np.int64)


def _refuser(tas: list[list[int]], reserves: list[int]) -> int:
    """Retire et rend le rang du candidat refusé : le moins prioritaire parmi les genres
    qui dépassent leur réserve (il en existe toujours un : c + 1 > r_F + r_M)."""
    pire_genre = -1
    pire = 0
    for g in range(3):
        t = tas[g]
        if len(t) > reserves[g] and (pire_genre < 0 or t[0] < pire):
            pire_genre, pire = g, t[0]
    heapq.heappop(tas[pire_genre])
    return -pire
