"""Le réseau biparti du flot maximal (élèves → projets), construit une fois : seules les
capacités des projets changent d'une variante à l'autre.

Même valeur de flot maximal que le réseau de `moteur.affectation.optimal` (les nœuds de
genre et de catégorie n'y bornent rien) : source → élève (1), élève → projet pour chaque
voeu éligible (1), projet → puits (capacité).
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow  # type: ignore[import-untyped]

from moteur.affectation.eligibilite import Instance


class ReseauBiparti:
    def __init__(self, instance: Instance) -> None:
        indices, _ = instance.voeux_eligibles()
        n_e, n_p = instance.nb_eleves, instance.nb_projets
        self.nb_projets = n_p
        ve, vp = instance.v_eleve[indices], instance.v_projet[indices]
        eleves = np.unique(ve)
        # nœuds : 0 source, 1 puits, 2.. projets, puis élèves
        self.queues = np.concatenate(
            [np.zeros(len(eleves), np.int64), 2 + n_p + ve, 2 + np.arange(n_p)]
        )
        self.tetes = np.concatenate([2 + n_p + eleves, 2 + vp, np.ones(n_p, np.int64)])
        self.fixes = np.ones(len(eleves) + len(ve), dtype=np.int64)
        del n_e

    def flot(self, capacite: np.ndarray) -> int:
        solveur = max_flow.SimpleMaxFlow()
        caps = np.concatenate([self.fixes, np.asarray(capacite, dtype=np.int64)])
        solveur.add_arcs_with_capacity(self.queues, self.tetes, caps)
        if solveur.solve(0, 1) != solveur.OPTIMAL:
            raise RuntimeError("flot maximum : échec du solveur")
        return int(solveur.optimal_flow())


def projets_atteignables(instance: Instance, projet: np.ndarray) -> np.ndarray:
    """Pour une affectation `projet` qui est un flot maximal : les projets atteignables
    depuis un élève non placé dans le graphe résiduel (un élève placé peut y céder sa place
    et aller à un autre de ses voeux). Une place de plus dans un tel projet place
    exactement un élève de plus ; ailleurs, aucun (chemins augmentants)."""
    indices, debut = instance.voeux_eligibles()
    indices = indices[instance.capacite[instance.v_projet[indices]] > 0]
    ve, vp = instance.v_eleve[indices], instance.v_projet[indices]
    ordre = np.argsort(vp, kind="stable")
    par_projet_debut = np.searchsorted(vp[ordre], np.arange(instance.nb_projets + 1))
    del debut
    # voeux de chaque élève (CSR)
    debut_e = np.searchsorted(ve, np.arange(instance.nb_eleves + 1))
    place_dans = projet
    # élèves placés par projet
    atteint_p = np.zeros(instance.nb_projets, dtype=bool)
    atteint_e = np.zeros(instance.nb_eleves, dtype=bool)
    pile = [int(e) for e in np.flatnonzero((projet < 0) & (debut_e[1:] > debut_e[:-1]))]
    for e in pile:
        atteint_e[e] = True
    vp_l = vp.tolist()
    debut_l = debut_e.tolist()
    ordre_l = ve[ordre].tolist()
    ppd = par_projet_debut.tolist()
    place_l = place_dans.tolist()
    while pile:
        e = pile.pop()
        for k in range(debut_l[e], debut_l[e + 1]):
            p = vp_l[k]
            if p == place_l[e] or atteint_p[p]:
                continue
            atteint_p[p] = True
            for j in range(ppd[p], ppd[p + 1]):
                autre = ordre_l[j]
                if place_l[autre] == p and not atteint_e[autre]:
                    atteint_e[autre] = True
                    pile.append(autre)
    return atteint_p
