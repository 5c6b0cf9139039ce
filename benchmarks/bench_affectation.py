"""Benchmark de l'allocation : quatre méthodes côte à côte, dans la même exécution.

    .venv/bin/python -m benchmarks.bench_affectation                 # Normandie + nationale
    .venv/bin/python -m benchmarks.bench_affectation --tailles normandie --delai 120

Méthodes : premier arrivé premier servi, le paquet PyPI `matching` (StudentAllocation,
acceptation différée sans mixité, mêmes priorités), `stable`, `optimal-avant` (copie figée
de la version précédente de `optimal`, pour mesurer le gain côte à côte) et `optimal`.
Chaque méthode tourne dans un processus fils (fork) : temps de l'allocation seule (session
déjà en mémoire, éligibilité comprise), mémoire de pointe du fils (ru_maxrss, session
comprise), et un délai au-delà duquel la méthode est arrêtée et déclarée « hors délai ».
Les contrôles (borne max-flot, paires d'envie justifiée) sont recalculés indépendamment.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from benchmarks.generateur import generer
from moteur.affectation import (
    affecter,
    borne_max_flot,
    calculer_priorites,
    eligibles_reference,
    paires_envie_justifiee,
)
from moteur.affectation.bareme import Bareme, bareme_defaut
from moteur.affectation.eligibilite import Instance, construire_instance
from moteur.affectation.optimal import Noeuds, assembler_reseau, resoudre_reseau
from moteur.affectation.principal import construire_resultat
from moteur.affectation.priorites import points_tableau, rangs_priorite, reserves_tableau
from moteur.affectation.resultat import ResultatAffectation
from moteur.modele import Session

METHODES = ("premier-arrive", "matching", "stable", "optimal-avant", "optimal")


@dataclass
class Mesure:
    methode: str
    secondes: float | None = None
    memoire_mo: float | None = None
    resultat: ResultatAffectation | None = None
    note: str = ""


def _matching(session: Session) -> np.ndarray:
    """Acceptation différée du paquet `matching` sur les voeux éligibles, mêmes priorités."""
    from matching.games import StudentAllocation

    bareme = bareme_defaut()
    instance = construire_instance(session)
    indices, _ = instance.voeux_eligibles()
    indices = indices[instance.capacite[instance.v_projet[indices]] > 0]
    rangs = rangs_priorite(instance, bareme, 0, indices)
    eids, pids = instance.eleve_ids, instance.projet_ids
    preferences: dict[str, list[str]] = {}
    for k in indices.tolist():
        preferences.setdefault(eids[instance.v_eleve[k]], []).append(pids[instance.v_projet[k]])
    candidats: dict[str, list[str]] = {}
    for k in indices[np.argsort(rangs)].tolist():
        candidats.setdefault("T" + pids[instance.v_projet[k]], []).append(eids[instance.v_eleve[k]])
    projets = sorted({pids[p] for p in instance.v_projet[indices].tolist()})
    cap = dict(zip(pids, instance.capacite.tolist(), strict=True))
    jeu = StudentAllocation.create_from_dictionaries(
        preferences,
        candidats,
        {p: "T" + p for p in projets},
        {p: cap[p] for p in projets},
        {"T" + p: cap[p] for p in projets},
    )
    solution = jeu.solve(optimal="student")
    index_e = {e: i for i, e in enumerate(eids)}
    index_p = {p: i for i, p in enumerate(pids)}
    projet = np.full(len(eids), -1, dtype=np.int64)
    for p, eleves in solution.items():
        for e in eleves:
            projet[index_e[e.name]] = index_p[p.name]
    return projet


def _matching_grande_pile(session: Session) -> np.ndarray:
    """`matching` copie ses objets par deepcopy, récursivement : sur des milliers d'élèves,
    il dépasse la pile par défaut. On lui donne une pile de 1 Go dans un fil dédié."""
    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1 << 30)
    sortie: list[np.ndarray] = []
    fil = threading.Thread(target=lambda: sortie.append(_matching(session)))
    fil.start()
    fil.join()
    if not sortie:
        raise RuntimeError("matching a échoué")
    return sortie[0]


def _optimal_avant(
    instance: Instance,
    bareme: Bareme,
    graine: int,
    avec_mixite: bool = True,
    progression: Callable[[float], None] | None = None,
) -> np.ndarray:
    """La version précédente de `optimal`, pour comparer côte à côte. Sa numérotation des
    nœuds (ordre du tirage) et ses coûts (K = (rang max - 1) × élèves + 1, coût de rang =
    rang - 1) sont figés ici ; l'assemblage des arcs et la résolution sont ceux d'`optimal`."""
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
    reseau = assembler_reseau(
        instance,
        reserves,
        indices,
        eleves_reseau,
        Noeuds(noeud_eleve, noeud_projet, noeud_genre),
        instance.v_rang[indices] - 1,
        poids,
        poids * bareme.poids_mixite if avec_mixite else 0,
        bareme.points_max - points_tableau(instance, bareme)[eleves_reseau],
    )
    return resoudre_reseau(reseau, instance.nb_eleves, progression)


def _executer(session: Session, methode: str, graine: int, tuyau) -> None:
    debut = time.perf_counter()
    if methode == "matching":
        projet = _matching_grande_pile(session)
        duree = time.perf_counter() - debut
        instance = construire_instance(session)
        resultat = construire_resultat(
            session, instance, projet, "matching", graine, bareme_defaut()
        )
    elif methode == "optimal-avant":
        instance = construire_instance(session)
        projet = _optimal_avant(instance, bareme_defaut(), graine)
        resultat = construire_resultat(
            session, instance, projet, "optimal", graine, bareme_defaut()
        )
        duree = time.perf_counter() - debut
    else:
        resultat = affecter(session, methode, graine)
        duree = time.perf_counter() - debut
    pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Ko → Mo (Linux)
    tuyau.send((duree, pic, resultat))
    tuyau.close()


def mesurer(session: Session, methode: str, graine: int, delai: float) -> Mesure:
    contexte = multiprocessing.get_context("fork")
    lecture, ecriture = contexte.Pipe(duplex=False)
    fils = contexte.Process(target=_executer, args=(session, methode, graine, ecriture))
    fils.start()
    ecriture.close()
    if not lecture.poll(delai):
        fils.kill()
        fils.join()
        return Mesure(methode, note=f"hors délai (arrêté après {delai:.0f} s)")
    try:
        duree, pic, resultat = lecture.recv()
    except EOFError:
        fils.join()
        return Mesure(methode, note=f"échec (code {fils.exitcode}, mémoire ?)")
    fils.join()
    return Mesure(methode, duree, pic, resultat)


def mesurer_repete(
    session: Session, methodes, graine: int, delai: float, repetitions: int
) -> dict[str, Mesure]:
    """Chaque méthode `repetitions` fois, en alternance (A B C A B C…) pour que le bruit de
    la machine partagée touche toutes les méthodes de la même façon ; temps médian.
    Une méthode hors délai n'est pas relancée."""
    temps: dict[str, list[float]] = {m: [] for m in methodes}
    dernieres: dict[str, Mesure] = {}
    for _ in range(repetitions):
        for methode in methodes:
            if methode in dernieres and dernieres[methode].resultat is None:
                continue
            m = mesurer(session, methode, graine, delai)
            dernieres[methode] = m
            if m.secondes is not None:
                temps[methode].append(m.secondes)
    for methode, m in dernieres.items():
        if temps[methode]:
            m.secondes = float(np.median(temps[methode]))
            if len(temps[methode]) > 1:
                m.note = " / ".join(f"{t:.2f}" for t in temps[methode])
    return dernieres


def tableau(
    taille: str, session: Session, graine: int, delai: float, methodes, repetitions: int = 1
) -> str:
    eligibles = eligibles_reference(session)
    borne = borne_max_flot(session, eligibles=eligibles)
    priorites = calculer_priorites(session, graine=graine)
    lignes = [
        f"### {taille} : {len(session.eleves):_} élèves, {len(session.projets):_} projets, "
        f"{sum(len(e.voeux) for e in session.eleves.values()):_} voeux, borne max-flot "
        f"{borne:_} placés".replace("_", " "),
        "",
        "| méthode | temps (s) | mémoire pic (Mo) | placés | placés / borne | 1er voeu | "
        "rang moyen | boursiers / autres | ruraux / autres | écart égalité | mixité | "
        "paires d'envie justifiée |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    mesures = mesurer_repete(session, methodes, graine, delai, repetitions)
    for methode in methodes:
        m = mesures[methode]
        print(f"  {taille} {methode} : {m.secondes} ({m.note})", file=sys.stderr, flush=True)
        if m.resultat is None:
            lignes.append(f"| {methode} | {m.note} |" + " — |" * 10)
            continue
        i = m.resultat.indicateurs
        envie = paires_envie_justifiee(session, m.resultat, priorites, eligibles=eligibles)
        lignes.append(
            f"| {methode} | {m.secondes:.2f} | {m.memoire_mo:.0f} | {i.eleves_places:,} | "
            f"{100 * i.eleves_places / borne if borne else 100:.2f} % | "
            f"{i.taux_premier_voeu:.1f} % | {i.rang_moyen:.2f} | "
            f"{i.taux_boursiers:.1f} / {i.taux_non_boursiers:.1f} % | "
            f"{i.taux_ruraux:.1f} / {i.taux_non_ruraux:.1f} % | {i.ecart_egalite:+.1f} pts | "
            f"{i.part_mixite:.1f} % | {envie:,} |".replace(",", " ")
        )
    return "\n".join(lignes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de l'allocation des élèves.")
    parser.add_argument("--tailles", nargs="+", default=["normandie", "nationale"])
    parser.add_argument("--graine", type=int, default=0)
    parser.add_argument("--delai", type=float, default=300.0, help="secondes par méthode")
    parser.add_argument("--methodes", nargs="+", default=list(METHODES), choices=METHODES)
    parser.add_argument(
        "--repetitions", type=int, default=1, help="mesures par méthode (temps médian)"
    )
    args = parser.parse_args(argv)
    print(
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs (partagés), "
        f"Python {platform.python_version()} ; graine {args.graine} ; délai {args.delai:.0f} s\n"
    )
    for taille in args.tailles:
        session = generer(taille, args.graine)
        texte = tableau(taille, session, args.graine, args.delai, args.methodes, args.repetitions)
        print(texte, flush=True)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
