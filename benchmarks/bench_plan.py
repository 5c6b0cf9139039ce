"""Benchmark de la commande `plan` entière, à la taille Normandie.

    .venv/bin/python -m benchmarks.bench_plan                      # sans et avec rotation
    .venv/bin/python -m benchmarks.bench_plan --sans-rotation-seulement

Génère l'instance Normandie (benchmarks/generateur.py, graine 0) dans un dossier
temporaire, puis chronomètre, pour chaque politique, la commande réelle dans un processus
neuf : `stages-collectifs plan DIR --out OUT --sans-rotation -q --policy P` (démarrage de
Python, lecture et contrôle du dossier, capacité effective, allocation, borne max-flot,
écriture de affectations.csv et rapport.md). Objectif de l'issue 3 : moins de 5 s.

La même commande AVEC la rotation (`--rotation-limite S`) est mesurée à part et annoncée
comme telle : la rotation a son propre objectif (2 minutes, issue 4).

Pour savoir où va le temps, les mêmes étapes sont ensuite chronométrées une à une dans ce
processus (imports déjà faits).

Chaque ligne donne la somme de contrôle SHA-256 des fichiers écrits (affectations.csv,
planning.csv, rapport.md) et la charge moyenne de la machine : deux exécutions, calme et
sous charge, se comparent d'un coup d'œil (même entrée, même graine : même somme).
`--dossier DIR` mesure un dossier de session existant au lieu de l'instance générée.

`--boucle` (issue 12, point 2) : `plan` avec la rotation, côte à côte sans la boucle
(`--tours 1`, l'ancien comportement) et avec (`--tours 4`) : placés par l'affectation,
placés dans le plan écrit, borne, temps, mémoire de pointe du processus, SHA-256.
`--serree` : l'instance serrée de l'issue 12 (point 2) — la Normandie générée où une
structure sur deux (ordre des identifiants) demande 16 ans et une sur trois n'accueille
que 4 jours (`jours_max`) : beaucoup de projets ne tiennent pas tous leurs élèves.
`--garder DIR` écrit l'instance dans DIR (pour la remesurer avec `--dossier DIR`).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generateur import ecrire_dossier, generer
from moteur.modele import Session

RACINE = Path(__file__).resolve().parent.parent


def _commande() -> list[str]:
    executable = Path(sys.executable).with_name("stages-collectifs")
    if executable.exists():
        return [str(executable)]
    return [sys.executable, str(RACINE / "cli.py")]


FICHIERS_DU_PLAN = (
    "affectations.csv",
    "planning.csv",
    "rapport.md",
    "composantes.csv",
    "changements.csv",
)


def somme_de_controle(sortie: Path) -> str:
    """SHA-256 des fichiers du plan (nom puis contenu, dans un ordre fixe) ; 16 premiers
    caractères hexadécimaux."""
    empreinte = hashlib.sha256()
    for nom in FICHIERS_DU_PLAN:
        chemin = sortie / nom
        if chemin.exists():
            empreinte.update(nom.encode() + b"\0" + chemin.read_bytes() + b"\0")
    return empreinte.hexdigest()[:16]


def charge_machine() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def lancer_plan(
    dossier: Path, sortie: Path, politique: str, options: list[str]
) -> tuple[float, str, str]:
    """(secondes murales, durées annoncées par la commande, dernière ligne)."""
    if sortie.exists():
        shutil.rmtree(sortie)
    commande = [*_commande(), "plan", str(dossier), "--out", str(sortie), "--policy", politique]
    debut = time.perf_counter()
    fini = subprocess.run(
        [*commande, *options, "-q"], capture_output=True, text=True, cwd=RACINE, check=False
    )
    duree = time.perf_counter() - debut
    if fini.returncode != 0:
        raise RuntimeError(f"plan a échoué ({fini.returncode}) : {fini.stderr[-2000:]}")
    durees = re.search(r"Durées : (.*)\.", fini.stderr)
    return duree, durees.group(1) if durees else "", fini.stdout.strip().splitlines()[-1]


def lancer_mesure(dossier: Path, sortie: Path, options: list[str]) -> dict[str, str]:
    """`plan` dans un processus neuf : temps mural, mémoire de pointe (wait4), sorties."""
    if sortie.exists():
        shutil.rmtree(sortie)
    commande = [*_commande(), "plan", str(dossier), "--out", str(sortie), *options, "-q"]
    journal = sortie.with_name(sortie.name + ".journal")
    debut = time.perf_counter()
    with (journal.with_suffix(".out")).open("w") as sout, journal.open("w") as serr:
        processus = subprocess.Popen(commande, stdout=sout, stderr=serr, cwd=RACINE)
        _pid, statut, usage = os.wait4(processus.pid, 0)  # mémoire de CE processus
    duree = time.perf_counter() - debut
    sortie_std = journal.with_suffix(".out").read_text(encoding="utf-8")
    erreur = journal.read_text(encoding="utf-8")
    if os.waitstatus_to_exitcode(statut) != 0:
        raise RuntimeError(f"plan a échoué : {erreur[-2000:]}")
    ligne = sortie_std.strip().splitlines()[-1]
    trouve = re.search(
        r"(\d+) élèves placés sur (\d+) \(borne max-flot : (\d+) ; affectation : (\d+)", ligne
    )
    durees = re.search(r"Durées : (.*)\.", erreur)
    return {
        "temps": f"{duree:.1f}",
        "memoire": f"{usage.ru_maxrss / 1024:.0f}",
        "plan": trouve.group(1) if trouve else "?",
        "eleves": trouve.group(2) if trouve else "?",
        "borne": trouve.group(3) if trouve else "?",
        "affectation": trouve.group(4) if trouve else "?",
        "durees": durees.group(1) if durees else "",
        "sha": somme_de_controle(sortie),
    }


def comparer_boucle(dossier: Path, temporaire: Path, politiques: list[str], limite: float) -> None:
    print(
        f"\n### Boucle affectation ⇄ programmes : avant (`--tours 1`) / après (`--tours 4`), "
        f"rotation `--rotation-limite {limite:g}`\n"
    )
    print(
        "| politique | variante | placés (affectation) | placés (plan écrit) | perdus | "
        "borne finale | temps (s) | mémoire pic (Mo) | durées | SHA-256 |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
    for politique in politiques:
        for variante, tours in (("avant (sans boucle)", "1"), ("après (boucle)", "4")):
            options = ["--policy", politique, "--rotation-limite", f"{limite:g}", "--tours", tours]
            m = lancer_mesure(dossier, temporaire / f"boucle-{politique}-{tours}", options)
            perdus = int(m["affectation"]) - int(m["plan"]) if m["plan"] != "?" else "?"
            print(
                f"| {politique} | {variante} | {m['affectation']} | {m['plan']} | {perdus} | "
                f"{m['borne']} | {m['temps']} | {m['memoire']} | {m['durees']} | `{m['sha']}` |",
                flush=True,
            )


def resserrer(session: Session) -> Session:
    """L'instance serrée : une structure sur deux à 16 ans minimum, une sur trois à
    `jours_max` = 4 (identifiants triés ; même session, même résultat)."""
    for i, sid in enumerate(sorted(session.structures)):
        s = session.structures[sid]
        if i % 2 == 0:
            s = dataclasses.replace(s, age_min=16)
        if i % 3 == 0:
            s = dataclasses.replace(s, jours_max=4)
        session.structures[sid] = s
    return session


def modifier_session(dossier: Path, cible: Path, graine: int) -> dict[str, int]:
    """Le dossier « après publication » : 2 % de désistements, 1 % d'arrivées tardives
    (copies d'élèves existants sous un nouvel identifiant), un jour annulé dans 5 % des
    structures. Même graine, même dossier."""
    import numpy as np

    from moteur.format import ecrire_session, lire_session

    session = lire_session(dossier)
    rng = np.random.default_rng(graine)
    ids = list(session.eleves)
    retires = set(rng.choice(len(ids), size=len(ids) // 50, replace=False).tolist())
    eleves = {e: x for i, (e, x) in enumerate(session.eleves.items()) if i not in retires}
    for n, i in enumerate(sorted(rng.choice(len(ids), size=len(ids) // 100, replace=False))):
        eleves[f"TARD{n:05d}"] = dataclasses.replace(session.eleves[ids[i]], id=f"TARD{n:05d}")
    annulees = 0
    for sid in sorted(session.structures)[::20]:
        s = session.structures[sid]
        jours = s.jours_possibles(session.jours)
        if len(jours) > 1:
            jour = jours[int(rng.integers(len(jours)))]
            session.structures[sid] = dataclasses.replace(
                s, jours=tuple(j for j in jours if j != jour)
            )
            annulees += 1
    session.eleves = eleves
    ecrire_session(session, cible)
    return {"desistements": len(retires), "arrivees": len(ids) // 100, "jours_annules": annulees}


def mesurer_reparation(dossier: Path, temporaire: Path, politique: str, limite: float) -> None:
    publie = temporaire / f"publie-{politique}"
    lancer_mesure(dossier, publie, ["--policy", politique, "--rotation-limite", f"{limite:g}"])
    modifie = temporaire / "session-modifiee"
    faits = modifier_session(dossier, modifie, 1)
    sortie = temporaire / f"repare-{politique}"
    debut = time.perf_counter()
    fini = subprocess.run(
        [*_commande(), "plan", str(modifie), "--out", str(sortie), "--depuis", str(publie), "-q"],
        capture_output=True,
        text=True,
        cwd=RACINE,
        check=False,
    )
    duree = time.perf_counter() - debut
    verif = subprocess.run(
        [*_commande(), "check", str(modifie), str(sortie)],
        capture_output=True,
        text=True,
        cwd=RACINE,
        check=False,
    )
    import csv

    with (sortie / "changements.csv").open(encoding="utf-8") as f:
        lignes = list(csv.DictReader(f))
    raisons: dict[str, int] = {}
    for ligne in lignes:
        cle = re.sub(r"[A-Z]*\d[\w/]*", "…", ligne["raison"].split(" ; ")[0])
        raisons[cle] = raisons.get(cle, 0) + 1
    print(f"\n### Réparation ({politique}) : {faits}\n")
    print(f"- `plan --depuis` : {duree:.1f} s ; {fini.stdout.strip()}")
    print(f"- `check` : code {verif.returncode} — {verif.stdout.strip().splitlines()[-1]}")
    print(f"- SHA-256 : `{somme_de_controle(sortie)}` ; lignes de changements.csv : {len(lignes)}")
    for raison, n in sorted(raisons.items(), key=lambda x: -x[1]):
        print(f"  - {n} : {raison}")


def etapes(dossier: Path, sortie: Path, politique: str) -> dict[str, float]:
    """Les étapes de `plan --sans-rotation`, chronométrées une à une dans ce processus."""
    from moteur.affectation import affecter, borne_max_flot
    from moteur.format import ecrire_plan, lire_session
    from moteur.modele import Plan
    from moteur.planificateur import ResultatPlan, texte_rapport_plan
    from moteur.rotation import capacite_effective

    temps: dict[str, float] = {}
    debut = time.perf_counter()
    session = lire_session(dossier)
    temps["lecture"] = time.perf_counter() - debut
    debut = time.perf_counter()
    capacites = capacite_effective(session)
    plafonds = {pid: c.capacite for pid, c in capacites.items()}
    temps["capacité effective"] = time.perf_counter() - debut
    debut = time.perf_counter()
    resultat = affecter(session, politique, 0, capacites=plafonds)
    temps["allocation"] = time.perf_counter() - debut
    debut = time.perf_counter()
    borne = borne_max_flot(session, plafonds)
    temps["borne max-flot (contrôle)"] = time.perf_counter() - debut
    debut = time.perf_counter()
    plan = ResultatPlan(Plan(affectations=resultat.affectations), resultat, capacites, None, borne)
    sortie.mkdir(parents=True, exist_ok=True)
    ecrire_plan(plan.plan, session, sortie)
    (sortie / "rapport.md").write_text(texte_rapport_plan(session, plan), encoding="utf-8")
    temps["écriture"] = time.perf_counter() - debut
    return temps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de la commande plan (Normandie).")
    parser.add_argument("--graine", type=int, default=0)
    parser.add_argument("--politiques", nargs="+", default=["stable", "optimal"])
    parser.add_argument(
        "--rotation-limite", type=float, default=60.0, help="secondes accordées à la rotation"
    )
    parser.add_argument("--sans-rotation-seulement", action="store_true")
    parser.add_argument("--dossier", type=Path, help="dossier de session existant à mesurer")
    parser.add_argument(
        "--boucle", action="store_true", help="seulement la comparaison avant / après la boucle"
    )
    parser.add_argument(
        "--reparation", action="store_true", help="seulement la réparation après publication"
    )
    parser.add_argument(
        "--serree",
        action="store_true",
        help="instance serrée : une structure sur deux à 16 ans, une sur trois à 4 jours",
    )
    parser.add_argument("--garder", type=Path, help="écrire aussi l'instance générée dans DIR")
    args = parser.parse_args(argv)
    print(
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs (partagés), "
        f"Python {platform.python_version()} ; graine {args.graine} ; "
        f"charge moyenne (1, 5, 15 min) : {charge_machine()}\n"
    )
    with tempfile.TemporaryDirectory(prefix="bench_plan_") as temporaire:
        if args.dossier is not None:
            dossier = args.dossier
        else:
            dossier = args.garder or Path(temporaire) / "normandie"
            session = generer("normandie", args.graine)
            if args.serree:
                session = resserrer(session)
            ecrire_dossier(session, dossier)
            del session
            serree = " serrée" if args.serree else ""
            print(f"Instance Normandie{serree} écrite dans {dossier}\n")
        if args.reparation:
            for politique in args.politiques:
                mesurer_reparation(dossier, Path(temporaire), politique, args.rotation_limite)
            return 0
        if args.boucle:
            comparer_boucle(dossier, Path(temporaire), args.politiques, args.rotation_limite)
            return 0
        print("### `plan --sans-rotation` (objectif : < 5 s)\n")
        print(_ENTETE_PLAN)
        print("|---|---:|---|---|---|---|")
        for politique in args.politiques:
            sortie = Path(temporaire) / f"sortie-{politique}"
            options = ["--sans-rotation", "--seed", str(args.graine)]
            mesure = lancer_plan(dossier, sortie, politique, options)
            print(_ligne_plan(politique, sortie, *mesure), flush=True)
        print("\n### Où va le temps (`plan --sans-rotation`, étapes dans un même processus)\n")
        print("| politique | " + " | ".join(_ENTETES) + " |")
        print("|---|" + "---:|" * len(_ENTETES))
        for politique in args.politiques:
            temps = etapes(dossier, Path(temporaire) / f"etapes-{politique}", politique)
            cellules = " | ".join(f"{temps[e]:.2f}" for e in _ENTETES)
            print(f"| {politique} | {cellules} |", flush=True)
        if not args.sans_rotation_seulement:
            limite = args.rotation_limite
            print(
                f"\n### `plan` AVEC la rotation (`--rotation-limite {limite:g}`) : "
                "objectif propre de la rotation (2 min, issue 4), pas celui des 5 s\n"
            )
            print(_ENTETE_PLAN)
            print("|---|---:|---|---|---|---|")
            for politique in args.politiques:
                sortie = Path(temporaire) / f"rotation-{politique}"
                options = ["--rotation-limite", f"{limite:g}", "--seed", str(args.graine)]
                mesure = lancer_plan(dossier, sortie, politique, options)
                print(_ligne_plan(politique, sortie, *mesure), flush=True)
    return 0


_ENTETE_PLAN = (
    "| politique | temps mural (s) | durées annoncées par plan | résultat "
    "| SHA-256 des sorties | charge (1, 5, 15 min) |"
)


def _ligne_plan(politique: str, sortie: Path, duree: float, durees: str, ligne: str) -> str:
    return (
        f"| {politique} | {duree:.2f} | {durees} | {ligne.split(';')[0]} "
        f"| `{somme_de_controle(sortie)}` | {charge_machine()} |"
    )


_ENTETES = (
    "lecture",
    "capacité effective",
    "allocation",
    "borne max-flot (contrôle)",
    "écriture",
)


if __name__ == "__main__":
    sys.exit(main())
