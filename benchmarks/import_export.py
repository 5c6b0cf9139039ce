"""Mesure de l'import et de l'export d'un dossier de session de 25 000 élèves.

    DATABASE_URL=sqlite:////tmp/bench-import.sqlite3 .venv/bin/python benchmarks/import_export.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python \
        benchmarks/import_export.py

Prépare (sans la chronométrer) une base avec le référentiel et la démo à N élèves, l'exporte
(identités comprises) pour obtenir un dossier réaliste, puis chronomètre côte à côte dans la
même exécution : lecture du dossier (moteur seul), premier import (création), réimport
(remplacement), `session_moteur` (base → moteur) et export. Imprime un tableau Markdown.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def chronometrer(
    action: Callable[[], object], repetitions: int, avant: Callable[[], object] = lambda: None
) -> list[float]:
    """Durées de `action` ; `avant` (non chronométré) s'exécute avant chaque répétition."""
    durees = []
    for _ in range(repetitions):
        avant()
        debut = time.perf_counter()
        action()
        durees.append(time.perf_counter() - debut)
    return durees


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__)
    analyseur.add_argument("--eleves", type=int, default=25_000)
    analyseur.add_argument("--repetitions", type=int, default=3)
    args = analyseur.parse_args()

    from apps.planification.commandes import demarrer_django

    demarrer_django()
    from django.db import connection

    from apps.campagnes.models import Session
    from apps.planification import demo, lecture_moteur
    from apps.planification.importation import exporter_dossier, importer_dossier
    from moteur.format import lire_session

    session = demo.charger_demo(nb_eleves=args.eleves, reinitialiser=True).session
    with tempfile.TemporaryDirectory() as tmp:
        dossier = Path(tmp) / "dossier"
        exporter_dossier(session, dossier, statuts=None, avec_identites=True)
        nom = "Banc d'essai import"
        mesures = {
            "lire_session (moteur, sans base)": chronometrer(
                lambda: lire_session(dossier), args.repetitions
            ),
            "premier import (création)": chronometrer(
                lambda: importer_dossier(dossier, nom=nom),
                args.repetitions,
                avant=lambda: _supprimer(Session, nom),
            ),
            "premier import, avec bulk_create (pour comparer)": chronometrer(
                lambda: _avec_bulk_create(lambda: importer_dossier(dossier, nom=nom)),
                1,
                avant=lambda: _supprimer(Session, nom),
            ),
            "réimport (remplacement)": chronometrer(
                lambda: importer_dossier(dossier, nom=nom), args.repetitions
            ),
            "session_moteur (base → moteur)": chronometrer(
                lambda: lecture_moteur.session_moteur(Session.objects.get(nom=nom)),
                args.repetitions,
            ),
            "export (sans identités)": chronometrer(
                lambda: exporter_dossier(
                    Session.objects.get(nom=nom), Path(tmp) / "export", statuts=None
                ),
                args.repetitions,
            ),
        }
    print(
        f"\n{args.eleves} élèves, base {connection.vendor}, Python {platform.python_version()}"
        f", {os.cpu_count()} cœurs ; {args.repetitions} répétitions\n"
    )
    print("| étape | médiane (s) | min (s) | max (s) |")
    print("|---|---:|---:|---:|")
    for etape, durees in mesures.items():
        print(
            f"| {etape} | {statistics.median(durees):.2f} | {min(durees):.2f} | {max(durees):.2f} |"
        )


def _avec_bulk_create(action: Callable[[], object]) -> None:
    """Exécute `action` avec l'insertion en masse remplacée par `bulk_create` (l'ancienne
    méthode), pour la comparer côte à côte. Remplacée dans `enregistrement_session`, le
    module qui l'appelle."""
    from apps.planification import enregistrement_session

    original = enregistrement_session.inserer_en_masse

    def par_bulk_create(modele, champs, lignes) -> None:
        attributs = [modele._meta.get_field(c).attname for c in champs]
        modele.objects.bulk_create(
            [modele(**dict(zip(attributs, ligne, strict=True))) for ligne in lignes],
            batch_size=2000,
        )

    enregistrement_session.inserer_en_masse = par_bulk_create
    try:
        action()
    finally:
        enregistrement_session.inserer_en_masse = original


def _supprimer(Session, nom: str) -> None:
    from apps.planification import enregistrement_session

    for session in Session.objects.filter(nom=nom):
        enregistrement_session.supprimer_session(session)


if __name__ == "__main__":
    main()
