"""Benchmark de la rotation : CP-SAT contre glouton, dans la même exécution.

(a) un projet de 20 élèves et 8 structures : temps jusqu'à l'optimum prouvé (limite 10 s ;
    l'objectif de l'issue est l'optimum prouvé en moins de 2 s) ;
(b) une instance taille Normandie (~400 projets, ~2 500 structures, structures partagées) :
    temps total, écart par composante (min / médiane / max), mesures côte à côte.

(c) le dossier Normandie du générateur (25 685 élèves, 400 projets), allocation `optimal` :
    les mêmes rotations sur la même affectation.
En (b) et (c), côte à côte dans la même exécution : CP-SAT à 1 et à N processus (même
somme attendue), le glouton.

Usage : PYTHONPATH=. .venv/bin/python benchmarks/bench_rotation.py [--limite 60]
        [--travailleurs N] [--sections abc]
Affiche des tableaux Markdown (recopiés dans docs/rotation.md), avec la somme de contrôle
SHA-256 de chaque rotation (planning, groupes, statuts, échecs) et la charge de la machine :
deux exécutions (calme, chargée) se comparent d'un coup d'œil.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from benchmarks.instance_rotation import eleves_places, instance_normandie
from moteur.modele import (
    Affectation,
    Eleve,
    ParametresSession,
    Plan,
    Point,
    Projet,
    Session,
    StructureAccueil,
    TypeProjet,
)
from moteur.regles import verifier
from moteur.rotation import (
    Poids,
    ResultatRotation,
    capacite_effective,
    planifier_rotation,
    rotation_gloutonne,
)
from moteur.rotation.mesures import mesurer, score_planning
from moteur.rotation.parallele import travailleurs_par_defaut


def projet_20_eleves() -> Session:
    parametres = ParametresSession("Bench (a)", date(2026, 6, 15), date(2026, 6, 26))
    session = Session(parametres)
    domaines = [("H",), ("I",), ("J",), ("K",), ("D", "M"), ("N",), ("F",), ("A", "G")]
    for i, doms in enumerate(domaines):
        sid = f"S{i + 1}"
        session.structures[sid] = StructureAccueil(
            sid,
            sid,
            doms,
            "14118",
            Point(49.18 + 0.01 * i, -0.37 + 0.01 * (i % 3)),
            accueil_max=[10, 10, 5, 5, 10, 5, 5, 10][i],
            jours_max=[None, 6, None, 8, None, 6, None, None][i],
        )
    session.projets["P1"] = Projet(
        "P1",
        "Projet",
        TypeProjet.MULTI_SECTEURS,
        "S1",
        "14118",
        Point(49.18, -0.37),
        20,
        tuple(session.structures),
    )
    for i in range(20):
        eid = f"E{i + 1:02d}"
        session.eleves[eid] = Eleve(
            eid,
            f"01400{i % 3}0A",
            date(2010, 3, 1) + timedelta(days=17 * i),
            ("P1",),
            "14118",
            Point(49.18, -0.37),
            genre="FM"[i % 2],
        )
    return session


def plan_complet(session: Session, affectations: dict, resultat) -> Plan:
    complet = {}
    for eid in session.eleves:
        a = affectations.get(eid)
        if a is None or a.projet_id in resultat.echecs:
            a = Affectation(eid, None)
        complet[eid] = a
    return Plan(complet, resultat.planning)


def bench_a() -> list[str]:
    session = projet_20_eleves()
    affectations = {e: Affectation(e, "P1", 1) for e in session.eleves}
    t = time.perf_counter()
    resultat = planifier_rotation(session, affectations, limite_s=10)
    duree = time.perf_counter() - t
    glouton = rotation_gloutonne(session, {e: Affectation(e, "P1", 1) for e in session.eleves})
    score_glouton = score_planning(session, glouton.groupes["P1"], glouton.planning, Poids())
    c = resultat.composantes[0]
    violations = verifier(session, plan_complet(session, affectations, resultat))
    m = mesurer(session, resultat.planning)
    return [
        "| mesure | valeur |",
        "|---|---|",
        f"| groupes | {len(resultat.groupes['P1'])} |",
        f"| statut | {c.statut} |",
        f"| objectif / borne | {c.objectif:.0f} / {c.borne:.0f} |",
        f"| temps total (groupes + modèle + solveur, limite 10 s) | {duree:.2f} s |",
        f"| score du glouton (même objectif) | {score_glouton} |",
        f"| domaines par groupe | {m.domaines_par_groupe:.2f} |",
        f"| violations (moteur.regles) | {len(violations)} |",
    ]


def methodes(limite: float, travailleurs: int) -> dict[str, Callable]:
    """Les rotations comparées dans la même exécution : CP-SAT à 1 puis à `travailleurs`
    processus (même résultat attendu), et le glouton."""

    def cpsat(n: int) -> Callable:
        def rotation(session: Session, affectations: dict) -> ResultatRotation:
            return planifier_rotation(session, affectations, limite_s=limite, travailleurs=n)

        return rotation

    return {
        "CP-SAT, 1 travailleur": cpsat(1),
        f"CP-SAT, {travailleurs} travailleurs": cpsat(travailleurs),
        "glouton": rotation_gloutonne,
    }


def bench_b(limite: float, travailleurs: int) -> list[str]:
    session = instance_normandie()
    t = time.perf_counter()
    capacites = capacite_effective(session)
    duree_capacite = time.perf_counter() - t
    effectifs = {p: c.capacite for p, c in capacites.items() if c.capacite > 0}
    par_projet = eleves_places(session, effectifs)
    lignes = [
        f"Instance : {len(session.projets)} projets, {len(session.structures)} structures, "
        f"{len(session.eleves)} élèves placés (capacité effective calculée en "
        f"{duree_capacite:.1f} s).",
        "",
    ]
    affectations = {e: Affectation(e, p, 1) for p, es in par_projet.items() for e in es}
    return lignes + comparer(session, affectations, methodes(limite, travailleurs))


def comparer(session: Session, affectations: dict, fonctions: dict[str, Callable]) -> list[str]:
    """Chaque méthode sur la même affectation ; mesures sur les projets planifiés par toutes."""
    resultats = {}
    for nom, fonction in fonctions.items():
        copie = {e: Affectation(e, a.projet_id, a.rang) for e, a in affectations.items()}
        t, cpu = time.perf_counter(), _cpu()
        resultat = fonction(session, copie)
        duree, cpu = time.perf_counter() - t, _cpu() - cpu
        violations = verifier(session, plan_complet(session, copie, resultat))
        resultats[nom] = (resultat, (duree, cpu), len(violations))
        print(f"  … {nom} : {duree:.1f} s, CPU {cpu:.1f} s", file=sys.stderr, flush=True)
    communs = set.intersection(*(set(r.groupes) for r, _, _ in resultats.values()))
    lignes = [
        f"Comparaison sur les {len(communs)} projets planifiés par toutes les méthodes.",
        "",
        "| méthode | temps (horloge) | temps CPU (processus de calcul compris) | "
        "projets en échec | violations | domaines/groupe | "
        "changements/groupe | km/changement | charge | score pondéré | SHA-256 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for nom, (resultat, (duree, cpu), violations) in resultats.items():
        planning = [lg for lg in resultat.planning if lg.projet_id in communs]
        m = mesurer(session, planning)
        lignes.append(
            f"| {nom} | {duree:.1f} s | {cpu:.1f} s | {len(resultat.echecs)} | {violations} | "
            f"{m.domaines_par_groupe:.3f} | {m.changements_par_groupe:.2f} | "
            f"{m.km_par_changement:.1f} | {m.charge:.2f} | {_score(session, resultat, communs)} "
            f"| `{somme_de_controle(resultat)}` |"
        )
    lignes += ["", *_statuts(resultats), "", *_par_projet(session, resultats, communs)]
    return [*lignes, "", *_echecs(resultats)]


def _cpu() -> float:
    """Temps CPU de ce processus et de ses fils terminés (les processus de calcul sont
    attendus à la fin de chaque rotation) : sur une machine partagée, plus stable que
    l'horloge, qui compte aussi le temps laissé aux autres travaux."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _statuts(resultats: dict) -> list[str]:
    """Statuts des composantes et écarts (borne − objectif) / borne, par méthode CP-SAT."""
    lignes = [
        "| méthode | composantes | statuts | sans écart connu | écart médian | "
        "écart max | « départ gardé » à plus de 20 % |",
        "|---|---|---|---|---|---|---|",
    ]
    for nom, (resultat, _, _) in resultats.items():
        if nom == "glouton":
            continue
        comps = resultat.composantes
        ecarts = [c.ecart for c in comps if c.ecart is not None]
        statuts = Counter(c.statut for c in comps)
        gardes = sum(1 for c in comps if c.statut == "départ gardé" and (c.ecart or 0) > 0.2)
        lignes.append(
            f"| {nom} | {len(comps)} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(statuts.items()))
            + f" | {len(comps) - len(ecarts)} | "
            f"{statistics.median(ecarts) if ecarts else 0:.3f} | "
            f"{max(ecarts, default=0):.3f} | {gardes} |"
        )
    return lignes


def bench_c(limite: float, travailleurs: int) -> list[str]:
    """Dossier Normandie du générateur (25 685 élèves, 400 projets) : allocation
    `optimal` une fois, puis les rotations comparées sur cette même allocation."""
    from benchmarks.generateur import generer
    from moteur.affectation import affecter

    session = generer("normandie", 0)
    capacites = capacite_effective(session)
    plafonds = {pid: c.capacite for pid, c in capacites.items()}
    affectations = affecter(session, "optimal", 0, capacites=plafonds).affectations
    places = sum(1 for a in affectations.values() if a.projet_id)
    lignes = [f"{len(session.eleves)} élèves, {len(session.projets)} projets, {places} placés.", ""]
    return lignes + comparer(session, affectations, methodes(limite, travailleurs))


def somme_de_controle(resultat) -> str:
    """SHA-256 (16 premiers caractères) de tout ce que la rotation rend, hors temps
    d'horloge : planning, membres des groupes, statut / objectif / borne des composantes,
    échecs. Même entrée, même graine : même somme, quelle que soit la charge."""
    empreinte = hashlib.sha256()
    for lg in resultat.planning:
        empreinte.update(f"{lg.projet_id};{lg.groupe};{lg.date};{lg.structure_id}\n".encode())
    for pid in sorted(resultat.groupes):
        for g in resultat.groupes[pid]:
            empreinte.update(f"{pid};{g.libelle};{','.join(g.eleves)}\n".encode())
    for c in resultat.composantes:
        empreinte.update(f"{','.join(c.projets)};{c.statut};{c.objectif!r};{c.borne!r}\n".encode())
    for pid in sorted(resultat.echecs):
        empreinte.update(f"{pid};{' | '.join(resultat.echecs[pid].raisons)}\n".encode())
    return empreinte.hexdigest()[:16]


def _score(session: Session, resultat, projets: set[str]) -> int:
    groupes = [g for p in projets for g in resultat.groupes[p]]
    planning = [lg for lg in resultat.planning if lg.projet_id in projets]
    return score_planning(session, groupes, planning, Poids())


def _par_projet(session: Session, resultats: dict, communs: set[str]) -> list[str]:
    """Projet par projet : CP-SAT moins bon que le glouton (score, diversité) ?

    On sépare les projets dont la composante est entièrement planifiée par le glouton (le
    plancher de `cpsat._resoudre` s'applique : score de la composante et diversité du
    projet au moins ceux du glouton) de ceux où le glouton échoue sur un autre projet de
    la composante (CP-SAT y planifie aussi ce projet-là, qui prend de la capacité).
    """
    cpsat, glouton = resultats[list(resultats)[-2]][0], resultats["glouton"][0]
    composante = {p: c.projets for c in glouton.composantes for p in c.projets}
    pire = Counter()
    for pid in sorted(communs):
        cas = "partielle" if any(p in glouton.echecs for p in composante[pid]) else "complète"
        if _score(session, cpsat, {pid}) < _score(session, glouton, {pid}):
            pire["score", cas] += 1
        if _diversite(session, cpsat, pid) < _diversite(session, glouton, pid):
            pire["diversité", cas] += 1
    return [
        "| projets où CP-SAT fait moins bien que le glouton | score pondéré | domaines "
        "découverts (somme sur les groupes) |",
        "|---|---|---|",
        *(
            f"| composante {cas} chez le glouton | {pire['score', cas]} | "
            f"{pire['diversité', cas]} |"
            for cas in ("complète", "partielle")
        ),
    ]


def _diversite(session: Session, resultat, pid: str) -> int:
    parcours: dict[str, set[str]] = {}
    for lg in resultat.planning:
        if lg.projet_id == pid:
            domaines = session.structures[lg.structure_id].domaines
            parcours.setdefault(lg.groupe, set()).update(domaines)
    return sum(len(d) for d in parcours.values())


def _echecs(resultats: dict) -> list[str]:
    """Échecs par méthode, regroupés par type de raison."""
    lignes = ["| méthode | raison (début du message) | projets |", "|---|---|---|"]
    for nom, (resultat, _, _) in resultats.items():
        types = Counter(_type_raison(e.raisons[0]) for e in resultat.echecs.values())
        for raison, n in types.most_common():
            lignes.append(f"| {nom} | {raison} | {n} |")
    return lignes


def _type_raison(message: str) -> str:
    for motif in (
        "places d'accueil pour",
        "élèves de moins de",
        "n'accueille les moins de",
        "qui l'accueillent à",
        "jours_max trop petits",
        "ne tient dans aucune structure",
        "ne peut pas être couvert",
        "ne peuvent pas être tous couverts",
        "le glouton n'a trouvé aucune structure",
        "aucune rotation trouvée",
    ):
        if motif in message:
            return motif
    return message[:40]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--limite", type=float, default=60.0, help="budget CP-SAT total (temps déterministe)"
    )
    parser.add_argument("--travailleurs", type=int, default=travailleurs_par_defaut())
    parser.add_argument("--sections", default="abc", help="sections à lancer (a, b, c)")
    args = parser.parse_args()
    charge = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs "
        f"partagés ; charge moyenne (1, 5, 15 min) au départ : {charge}.\n"
    )
    if "a" in args.sections:
        print("(a) projet de 20 élèves, 8 structures\n")
        print("\n".join(bench_a()))
    if "b" in args.sections:
        print("\n(b) instance de rotation taille Normandie (instance_rotation.py)\n")
        print("\n".join(bench_b(args.limite, args.travailleurs)))
    if "c" in args.sections:
        print("\n(c) dossier Normandie du générateur, allocation optimal\n")
        print("\n".join(bench_c(args.limite, args.travailleurs)))
    charge = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    soi = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fils = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\nCharge moyenne (1, 5, 15 min) à la fin : {charge}. Mémoire de pointe : "
        f"{soi:.0f} Mo (ce processus), {fils:.0f} Mo (le plus gros processus de calcul)."
    )


if __name__ == "__main__":
    main()
