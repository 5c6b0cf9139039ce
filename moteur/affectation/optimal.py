"""Politique « optimale » : flot de coût minimum (OR-Tools, SimpleMinCostFlow).

Réseau : source → élève (capacité 1) → projet (capacité 1 par voeu éligible) → puits
(capacité du projet). Pour un projet à places réservées (mixité), les élèves passent par
un nœud « filles » ou « garçons » du projet, relié au projet par deux arcs : le premier,
de capacité r (les places réservées), ne coûte rien ; le second (le reste) coûte une
unité de mixité. Les élèves de genre non renseigné et les projets sans réserve paient
toujours cette unité. Remplir une place réservée est donc récompensé, jamais imposé :
une place réservée non prise reste ouverte à tous (borne inférieure souple).

Critères, dans l'ordre (lexicographique) :
1. le plus d'élèves placés : `solve_max_flow_with_min_cost` calcule d'abord le flot
   maximum, puis le coût minimum parmi les flots maximums ;
2. égalité des chances et mixité : points du barème des élèves NON placés, plus
   `poids_mixite` par élève placé hors place réservée, au poids K ;
3. les meilleurs rangs de voeux : somme des (rang - 1), au poids 1.
K = (plus grand rang - 1) × (nombre d'élèves) + 1 dépasse toute variation possible du
critère 3 : un point d'égalité ou une place de mixité l'emporte toujours sur les rangs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from ortools.graph.python import min_cost_flow

from moteur.affectation.bareme import Bareme
from moteur.affectation.eligibilite import Instance
from moteur.affectation.priorites import points_tableau, reserves_tableau


class EchecSolveur(RuntimeError):
    """Le solveur de flot n'a pas trouvé d'optimum (ne devrait jamais arriver)."""


def flot_cout_minimum(
    instance: Instance,
    bareme: Bareme,
    graine: int,
    avec_mixite: bool = True,
    progression: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Projet (indice) de chaque élève, -1 si non placé."""
    indices, _ = instance.voeux_eligibles()
    indices = indices[instance.capacite[instance.v_projet[indices]] > 0]
    # Les élèves entrent dans le réseau dans l'ordre du tirage au sort : parmi des
    # solutions de même coût, le choix du solveur est ainsi reproductible (graine).
    tirage = np.random.default_rng(graine).permutation(instance.nb_eleves)
    indices = indices[np.lexsort((instance.v_rang[indices], tirage[instance.v_eleve[indices]]))]
    eleves_reseau = np.unique(instance.v_eleve[indices])
    eleves_reseau = eleves_reseau[np.argsort(tirage[eleves_reseau], kind="stable")]
    n_e = len(eleves_reseau)
    if n_e == 0:
        return np.full(instance.nb_eleves, -1, dtype=np.int64)
    noeud_eleve = np.full(instance.nb_eleves, -1, dtype=np.int64)
    noeud_eleve[eleves_reseau] = 2 + np.arange(n_e)
    n_p = instance.nb_projets
    noeud_projet = 2 + n_e + np.arange(n_p)
    reserves = reserves_tableau(instance, bareme) if avec_mixite else np.zeros((n_p, 3), int)
    avec_reserve = reserves[:, 0] + reserves[:, 1] > 0
    # Nœuds « filles » (g = 0) et « garçons » (g = 1) des projets à places réservées.
    proj_res = np.flatnonzero(avec_reserve)
    noeud_genre = np.full((n_p, 2), -1, dtype=np.int64)
    base = 2 + n_e + n_p
    noeud_genre[proj_res, 0] = base + 2 * np.arange(len(proj_res))
    noeud_genre[proj_res, 1] = base + 2 * np.arange(len(proj_res)) + 1

    rang_max = int(instance.v_rang[indices].max())
    poids = (rang_max - 1) * n_e + 1  # K : au-dessus de toute variation des rangs
    unite_mixite = poids * bareme.poids_mixite if avec_mixite else 0
    points = points_tableau(instance, bareme)

    ve = instance.v_eleve[indices]
    vp = instance.v_projet[indices]
    genre = instance.genre[ve].astype(np.int64)
    par_genre = avec_reserve[vp] & (genre < 2)
    tete = np.where(par_genre, noeud_genre[vp, np.minimum(genre, 1)], noeud_projet[vp])
    cout_voeu = (instance.v_rang[indices] - 1) + np.where(par_genre, 0, unite_mixite)

    res_f, res_m = reserves[proj_res, 0], reserves[proj_res, 1]
    cap_res = instance.capacite[proj_res]
    un = np.ones
    queues = [np.zeros(n_e, np.int64), noeud_eleve[ve], noeud_projet]
    tetes = [noeud_eleve[eleves_reseau], tete, np.ones(n_p, np.int64)]
    caps = [un(n_e, np.int64), un(len(ve), np.int64), instance.capacite]
    couts = [
        poids * (bareme.points_max - points[eleves_reseau]),
        cout_voeu,
        np.zeros(n_p, np.int64),
    ]
    for g, res in ((0, res_f), (1, res_m)):
        for capacite, cout in ((res, 0), (cap_res - res, unite_mixite)):
            queues.append(noeud_genre[proj_res, g])
            tetes.append(noeud_projet[proj_res])
            caps.append(capacite)
            couts.append(np.full(len(proj_res), cout, np.int64))

    solveur = min_cost_flow.SimpleMinCostFlow()
    solveur.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(queues),
        np.concatenate(tetes),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(couts).astype(np.int64),
    )
    solveur.set_node_supply(0, n_e)
    solveur.set_node_supply(1, -n_e)
    if progression is not None:
        progression(0.1)
    statut = solveur.solve_max_flow_with_min_cost()
    if statut != solveur.OPTIMAL:
        raise EchecSolveur(f"flot de coût minimum : statut {statut}")
    arcs_voeux = n_e + np.arange(len(ve))
    pris = solveur.flows(arcs_voeux) > 0
    resultat = np.full(instance.nb_eleves, -1, dtype=np.int64)
    resultat[ve[pris]] = vp[pris]
    if progression is not None:
        progression(1.0)
    return resultat
