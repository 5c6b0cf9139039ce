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
"""

from __future__ import annotations

import argparse
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

RACINE = Path(__file__).resolve().parent.parent


def _commande() -> list[str]:
    executable = Path(sys.executable).with_name("stages-collectifs")
    if executable.exists():
        return [str(executable)]
    return [sys.executable, str(RACINE / "cli.py")]


FICHIERS_DU_PLAN = ("affectations.csv", "planning.csv", "rapport.md")


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


def lancer_plan(dossier: Path, sortie: Path, politique: str, options: list[str]) -> tuple:
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
            dossier = Path(temporaire) / "normandie"
            session = generer("normandie", args.graine)
            ecrire_dossier(session, dossier)
            del session
            print(f"Instance Normandie écrite dans {dossier}\n")
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
