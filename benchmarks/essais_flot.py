"""Essais de solveurs pour la politique `optimal` : le même réseau, plusieurs résolutions.

    .venv/bin/python -m benchmarks.essais_flot --tailles normandie nationale

Le réseau est celui de `moteur.affectation.optimal.construire_reseau` (coûts
lexicographiques compris). Variantes, chacune dans un processus fils avec un délai :
- `ortools` : ce que fait `optimal` (SimpleMinCostFlow.solve_max_flow_with_min_cost) ;
- `ortools-offre-fixe` : flot maximum (SimpleMaxFlow) puis flot de coût minimum à offre
  fixée à ce maximum ;
- `ortools-sans-source` : sans le nœud source (560 000 arcs au niveau national) : chaque
  élève offre une unité, un nœud « non placé » reçoit le reste, à offre fixée ;
- `lemon-simplexe`, `lemon-cout` : le simplexe de réseau et la mise à l'échelle des coûts
  de LEMON, par le paquet PyPI `pylmcf` (licence BSL-1.0), s'il est installé (il n'est
  PAS une dépendance du projet : `pip install pylmcf` pour refaire l'essai).
Chaque variante rend le flot sur les arcs du réseau d'origine : on vérifie qu'elle place
le même nombre d'élèves au même coût que `ortools` (même optimum).

Le réseau essayé est celui du flot sans équité (`poids_egalite` = 0, le premier des deux
flots d'`optimal`) : avec l'égalité des chances, la source nourrit quatre nœuds de
catégorie, et les variantes « offre-fixe » et « sans-source » supposent que les premiers
arcs partent de la source vers les élèves.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from benchmarks.generateur import generer
from moteur.affectation.bareme import bareme_defaut
from moteur.affectation.eligibilite import construire_instance
from moteur.affectation.optimal import Reseau, construire_reseau

Flots = np.ndarray  # flot sur chaque arc du réseau d'origine
BAREME = replace(bareme_defaut(), poids_egalite=0)  # flot sans équité : arcs source → élèves


def _flot_maximum(r: Reseau) -> int:
    solveur = max_flow.SimpleMaxFlow()
    solveur.add_arcs_with_capacity(r.queues, r.tetes, r.capacites)
    solveur.solve(0, 1)
    return int(solveur.optimal_flow())


def _ortools(r: Reseau) -> Flots:
    s = min_cost_flow.SimpleMinCostFlow()
    s.add_arcs_with_capacity_and_unit_cost(r.queues, r.tetes, r.capacites, r.couts)
    s.set_node_supply(0, r.offre)
    s.set_node_supply(1, -r.offre)
    s.solve_max_flow_with_min_cost()
    return s.flows(np.arange(len(r.queues)))


def _ortools_offre_fixe(r: Reseau) -> Flots:
    m = _flot_maximum(r)
    s = min_cost_flow.SimpleMinCostFlow()
    s.add_arcs_with_capacity_and_unit_cost(r.queues, r.tetes, r.capacites, r.couts)
    s.set_node_supply(0, m)
    s.set_node_supply(1, -m)
    s.solve()
    return s.flows(np.arange(len(r.queues)))


def _sans_source(r: Reseau) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Arcs sans la source : le coût de l'arc source → élève passe sur ses arcs de voeux,
    plus un arc élève → nœud 0 (devenu « non placé »), de coût nul. Rend aussi le nombre
    de nœuds et le flot maximum."""
    m = _flot_maximum(r)
    n = int(max(r.queues.max(), r.tetes.max())) + 1
    source = slice(0, r.premier_voeu)
    eleves = r.tetes[source]
    cout_eleve = np.zeros(n, np.int64)
    cout_eleve[eleves] = r.couts[source]
    reste = slice(r.premier_voeu, None)
    queues = np.concatenate([r.queues[reste], eleves])
    tetes = np.concatenate([r.tetes[reste], np.zeros(len(eleves), np.int64)])
    caps = np.concatenate([r.capacites[reste], np.ones(len(eleves), np.int64)])
    couts = np.concatenate([r.couts[reste] + cout_eleve[r.queues[reste]], np.zeros(len(eleves))])
    return queues, tetes, caps, couts.astype(np.int64), n, m


def _vers_origine(r: Reseau, flots_reste: np.ndarray) -> Flots:
    """Flots de la forme sans source → flots du réseau d'origine."""
    flots = np.zeros(len(r.queues), np.int64)
    flots[r.premier_voeu :] = flots_reste[: len(r.queues) - r.premier_voeu]
    eleve_place = np.zeros(int(max(r.queues.max(), r.tetes.max())) + 1, np.int64)
    np.add.at(eleve_place, r.queues[r.premier_voeu :], flots[r.premier_voeu :])
    flots[: r.premier_voeu] = eleve_place[r.tetes[: r.premier_voeu]]
    return flots


def _offres(r: Reseau, n: int, m: int) -> np.ndarray:
    offre = np.zeros(n, np.int64)
    offre[r.tetes[: r.premier_voeu]] = 1
    offre[1] = -m
    offre[0] = -(r.offre - m)
    return offre


def _ortools_sans_source(r: Reseau) -> Flots:
    queues, tetes, caps, couts, n, m = _sans_source(r)
    s = min_cost_flow.SimpleMinCostFlow()
    s.add_arcs_with_capacity_and_unit_cost(queues, tetes, caps, couts)
    s.set_nodes_supplies(np.arange(n), _offres(r, n, m))
    s.solve()
    return _vers_origine(r, s.flows(np.arange(len(queues))))


def _lemon(r: Reseau, algorithme: str) -> Flots:
    import pylmcf  # facultatif : voir l'en-tête

    queues, tetes, caps, couts, n, m = _sans_source(r)
    offres = _offres(r, n, m)
    if algorithme == "cout":
        flots = pylmcf.pylmcf_cpp.lmcf_cost_scaling(offres, queues, tetes, caps, couts)
        return _vers_origine(r, np.asarray(flots))
    # Le simplexe accepte une offre « au plus » (supply type leq) : pas besoin du nœud
    # « non placé », qui ralentit beaucoup le simplexe (550 000 arcs entrants).
    garder = tetes != 0
    queues, tetes, caps, couts = queues[garder], tetes[garder], caps[garder], couts[garder]
    offres[0] = 0
    ordre = np.lexsort((tetes, queues))  # pylmcf.Graph veut les arcs triés
    graphe = pylmcf.Graph(n, edge_starts=queues[ordre], edge_ends=tetes[ordre])
    graphe.set_node_supply(offres)
    graphe.set_supply_type("leq")
    graphe.set_edge_costs(couts[ordre])
    graphe.set_edge_capacities(caps[ordre])
    graphe.solve()
    flots = np.empty(len(queues), np.int64)
    flots[ordre] = graphe.result()
    return _vers_origine(r, flots)


VARIANTES: dict[str, Callable[[Reseau], Flots]] = {
    "ortools": _ortools,
    "ortools-offre-fixe": _ortools_offre_fixe,
    "ortools-sans-source": _ortools_sans_source,
    "lemon-simplexe": lambda r: _lemon(r, "simplexe"),
    "lemon-cout": lambda r: _lemon(r, "cout"),
}


def _executer(reseau: Reseau, variante: str, tuyau) -> None:
    try:
        debut = time.perf_counter()
        flots = VARIANTES[variante](reseau)
        duree = time.perf_counter() - debut
        places = int(flots[: reseau.premier_voeu].sum())
        tuyau.send((duree, places, int((flots * reseau.couts).sum()), ""))
    except ImportError:
        tuyau.send((None, None, None, "pylmcf non installé"))
    except Exception as erreur:  # rapporté dans le tableau, pas de trace
        tuyau.send((None, None, None, f"échec : {erreur}"))


def mesurer(reseau: Reseau, variante: str, delai: float) -> tuple:
    contexte = multiprocessing.get_context("fork")
    lecture, ecriture = contexte.Pipe(duplex=False)
    fils = contexte.Process(target=_executer, args=(reseau, variante, ecriture))
    fils.start()
    ecriture.close()
    if not lecture.poll(delai):
        fils.kill()
        fils.join()
        return None, None, None, f"hors délai ({delai:.0f} s)"
    mesure = lecture.recv()
    fils.join()
    return mesure


def tableau(taille: str, variantes: list[str], delai: float) -> str:
    instance = construire_instance(generer(taille, 0))
    reseau = construire_reseau(instance, BAREME, 0)
    assert reseau is not None
    lignes = [
        f"### {taille} : {len(reseau.queues):_} arcs ; {reseau.offre:_} élèves reliés".replace(
            "_", " "
        ),
        "",
        "| variante | temps (s) | placés | coût | même optimum qu'ortools |",
        "|---|---:|---:|---:|---|",
    ]
    reference = None
    for variante in variantes:
        duree, places, cout, note = mesurer(reseau, variante, delai)
        print(f"  {taille} {variante} : {duree} {note}", file=sys.stderr, flush=True)
        if duree is None:
            lignes.append(f"| {variante} | {note} | — | — | — |")
            continue
        if reference is None:
            reference = (places, cout)
        meme = "oui" if (places, cout) == reference else "NON"
        lignes.append(f"| {variante} | {duree:.2f} | {places:,} | {cout:,} | {meme} |")
    return "\n".join(lignes).replace(",", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Essais de solveurs de flot (optimal).")
    parser.add_argument("--tailles", nargs="+", default=["normandie", "nationale"])
    parser.add_argument("--variantes", nargs="+", default=list(VARIANTES), choices=VARIANTES)
    parser.add_argument("--delai", type=float, default=180.0, help="secondes par variante")
    args = parser.parse_args(argv)
    print(
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python "
        f"{platform.python_version()}, charge moyenne {os.getloadavg()[0]:.1f}\n"
    )
    for taille in args.tailles:
        print(tableau(taille, args.variantes, args.delai) + "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
