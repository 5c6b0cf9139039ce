"""Benchmark de l'allocation : les méthodes côte à côte, dans la même exécution.

    .venv/bin/python -m benchmarks.bench_affectation            # Normandie et Normandie tendue
    .venv/bin/python -m benchmarks.bench_affectation --tailles normandie --delai 120

Méthodes :
- `premier-arrive` : premier arrivé, premier servi (base de comparaison) ;
- `stable-avant`, `optimal-avant` : le barème à priorité absolue (l'ancien défaut,
  `bareme_priorite_absolue.json`), pour l'avant et l'après dans la même exécution ;
- `stable`, `optimal` : le barème par défaut (chances égales, taux minimum) ;
- `flot-sans-equite` : le flot d'`optimal` sans l'égalité des chances (`poids_egalite` = 0),
  même nombre de placés : la comparaison des premiers voeux ;
- `matching` (sur demande) : le paquet PyPI `matching` (StudentAllocation, acceptation
  différée sans mixité, mêmes priorités) ; il ne finit pas en 120 s à la taille Normandie.
Chaque méthode tourne dans un processus fils (fork) : temps de l'allocation seule (session
déjà en mémoire, éligibilité et indicateurs compris ; pour `optimal`, les deux flots),
mémoire de pointe du fils (ru_maxrss, session comprise), et un délai au-delà duquel la
méthode est arrêtée et déclarée « hors délai ». Les contrôles (borne max-flot, paires
d'envie justifiée au sens du barème de la méthode) sont recalculés indépendamment.
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
from dataclasses import dataclass, replace

import numpy as np

from benchmarks.generateur import generer
from moteur.affectation import (
    affecter,
    borne_max_flot,
    calculer_priorites,
    eligibles_reference,
    paires_envie_justifiee,
)
from moteur.affectation.bareme import Bareme, bareme_defaut, bareme_priorite_absolue
from moteur.affectation.eligibilite import construire_instance
from moteur.affectation.principal import construire_resultat
from moteur.affectation.priorites import rangs_priorite
from moteur.affectation.resultat import ResultatAffectation
from moteur.modele import Session

METHODES = (
    "premier-arrive",
    "stable-avant",
    "stable",
    "optimal-avant",
    "optimal",
    "flot-sans-equite",
    "matching",
)
PAR_DEFAUT = METHODES[:-1]


def bareme_de(methode: str) -> Bareme:
    """Le barème d'une méthode du banc."""
    if methode.endswith("-avant"):
        return bareme_priorite_absolue()
    if methode == "flot-sans-equite":
        return replace(bareme_defaut(), poids_egalite=0)
    return bareme_defaut()


def politique_de(methode: str) -> str:
    if methode == "flot-sans-equite":
        return "optimal"
    return methode.removesuffix("-avant")


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


def _executer(session: Session, methode: str, graine: int, tuyau) -> None:
    debut = time.perf_counter()
    if methode == "matching":
        projet = _matching_grande_pile(session)
        duree = time.perf_counter() - debut
        instance = construire_instance(session)
        resultat = construire_resultat(
            session, instance, projet, "matching", graine, bareme_defaut()
        )
    else:
        resultat = affecter(session, politique_de(methode), graine, bareme=bareme_de(methode))
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


def taux_filles_garcons(session: Session, resultat: ResultatAffectation) -> tuple[float, float]:
    """Taux de placement des filles et des garçons (genre renseigné)."""
    total = {"F": 0, "M": 0}
    places = {"F": 0, "M": 0}
    for eleve in session.eleves.values():
        if eleve.genre in total:
            total[eleve.genre] += 1
            places[eleve.genre] += resultat.projet_de(eleve.id) is not None
    return tuple(100.0 * places[g] / total[g] if total[g] else 0.0 for g in "FM")  # type: ignore[return-value]


def ligne(methode: str, m: Mesure, session: Session, borne: int, envie: int) -> str:
    assert m.resultat is not None and m.secondes is not None and m.memoire_mo is not None
    i = m.resultat.indicateurs
    filles, garcons = taux_filles_garcons(session, m.resultat)
    texte = (
        f"| {methode} | {m.secondes:.2f} | {m.memoire_mo:.0f} | {i.eleves_places:,} | "
        f"{100 * i.eleves_places / borne if borne else 100:.2f} % | "
        f"{i.taux_boursiers:.1f} / {i.taux_non_boursiers:.1f} | "
        f"{i.taux_ruraux:.1f} / {i.taux_non_ruraux:.1f} | {filles:.1f} / {garcons:.1f} | "
        f"{i.taux_premier_voeu:.1f} % | {i.rang_moyen:.2f} | {i.part_mixite:.1f} % | {envie:,} |"
    )
    return texte.replace(",", " ").replace(".", ",")


def tableau(
    taille: str, session: Session, graine: int, delai: float, methodes, repetitions: int = 1
) -> str:
    eligibles = eligibles_reference(session)
    borne = borne_max_flot(session, eligibles=eligibles)
    lignes = [
        f"### {taille} : {len(session.eleves):_} élèves, {len(session.projets):_} projets, "
        f"{sum(p.places for p in session.projets.values()):_} places, "
        f"{sum(len(e.voeux) for e in session.eleves.values()):_} voeux, borne max-flot "
        f"{borne:_} placés".replace("_", " "),
        "",
        "| méthode | temps (s) | mémoire pic (Mo) | placés | placés / borne | "
        "boursiers / autres (%) | ruraux / autres (%) | filles / garçons (%) | 1er voeu | "
        "rang moyen | mixité | paires d'envie justifiée |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    mesures = mesurer_repete(session, methodes, graine, delai, repetitions)
    constats = []
    for methode in methodes:
        m = mesures[methode]
        print(f"  {taille} {methode} : {m.secondes} ({m.note})", file=sys.stderr, flush=True)
        if m.resultat is None:
            lignes.append(f"| {methode} | {m.note} |" + " — |" * 10)
            continue
        priorites = calculer_priorites(session, bareme=bareme_de(methode), graine=graine)
        envie = paires_envie_justifiee(session, m.resultat, priorites, eligibles=eligibles)
        lignes.append(ligne(methode, m, session, borne, envie))
        constats += [f"- `{methode}` : {c}" for c in m.resultat.constats_egalite]
        if m.resultat.sans_egalite is not None:
            sans = m.resultat.sans_egalite
            constats.append(
                f"- `{methode}` : premier voeu {m.resultat.indicateurs.taux_premier_voeu:.1f} %"
                f", contre {sans.taux_premier_voeu:.1f} % pour le flot sans équité".replace(
                    ".", ","
                )
            )
    return "\n".join([*lignes, "", *constats])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de l'allocation des élèves.")
    parser.add_argument("--tailles", nargs="+", default=["normandie", "normandie-tendue"])
    parser.add_argument("--graine", type=int, default=0)
    parser.add_argument("--delai", type=float, default=300.0, help="secondes par méthode")
    parser.add_argument("--methodes", nargs="+", default=list(PAR_DEFAUT), choices=METHODES)
    parser.add_argument(
        "--repetitions", type=int, default=1, help="mesures par méthode (temps médian)"
    )
    args = parser.parse_args(argv)
    print(
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs (partagés), "
        f"Python {platform.python_version()}, charge moyenne {os.getloadavg()[0]:.1f} ; "
        f"graine {args.graine} ; délai {args.delai:.0f} s\n"
    )
    for taille in args.tailles:
        session = generer(taille, args.graine)
        texte = tableau(taille, session, args.graine, args.delai, args.methodes, args.repetitions)
        print(texte, flush=True)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
