"""Temps de chargement du référentiel normand (communes, EPCI, départements, lycées).

Lance `manage.py charger_referentiel` sur une base neuve puis une seconde fois (mise à
jour), pour SQLite et PostgreSQL, dans la même exécution, et imprime un tableau Markdown
(reporté dans docs/referentiel.md).

    .venv/bin/python benchmarks/chargement_referentiel.py \
        [--postgres postgres://postgres@127.0.0.1:5432/bench_referentiel] [--repetitions 2]

La base PostgreSQL indiquée est supprimée puis recréée.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _manage(url: str, *args: str) -> tuple[float, float, str]:
    """(durée murale, temps CPU du processus, sortie) d'une commande de gestion."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "conf.settings.dev"}
    avant = os.times()
    debut = time.perf_counter()
    sortie = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=RACINE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    duree = time.perf_counter() - debut
    apres = os.times()
    cpu = (apres.children_user - avant.children_user) + (
        apres.children_system - avant.children_system
    )
    return duree, cpu, sortie


def _recreer_postgres(url: str) -> None:
    import psycopg

    base = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{base}"')
        connexion.execute(f'CREATE DATABASE "{base}"')


def _mesurer(nom: str, url: str, repetitions: int) -> list[str]:
    lignes = []
    for essai in range(1, repetitions + 1):
        if url.startswith("postgres"):
            _recreer_postgres(url)
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        _manage(url, "migrate", "-v0")
        for etape in ("base vide", "rechargement"):
            duree, cpu, sortie = _manage(url, "charger_referentiel")
            interne = re.search(r"Référentiel chargé en ([\d.]+) s", sortie)
            lignes.append(
                f"| {nom} | {essai} | {etape} | {interne.group(1) if interne else '?'} "
                f"| {duree:.1f} | {cpu:.1f} |"
            )
    return lignes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/bench_referentiel"
    )
    parser.add_argument("--repetitions", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as dossier:
        sqlite = f"sqlite:///{dossier}/bench.sqlite3"
        lignes = _mesurer("SQLite", sqlite, args.repetitions)
    lignes += _mesurer("PostgreSQL", args.postgres, args.repetitions)
    print(f"Machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f}")
    print("| base | essai | étape | durée interne (s) | durée du processus (s) | CPU (s) |")
    print("|---|---|---|---|---|---|")
    print("\n".join(lignes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
