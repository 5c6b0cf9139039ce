"""Banc du conseiller de recrutement à la taille Normandie (benchmarks/generateur.py).

    .venv/bin/python -m benchmarks.bench_conseiller [--graine 0] [--politiques stable optimal]

Pour chaque politique : le dossier généré est écrit, l'affectation du plan calculée
(capacité effective, sans rotation) et écrite ; puis on mesure le temps de la commande
`conseiller` entière (lecture du dossier et du plan comprise) et de ses étapes. Enfin
les 3 premières recommandations de chaque action sont appliquées seules au dossier,
l'affectation relancée, et le gain mesuré comparé à `gain_eleves`.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from benchmarks.generateur import generer
from moteur.affectation import affecter
from moteur.conseiller import appliquer, conseiller
from moteur.format import ecrire_plan, ecrire_session, lire_plan, lire_session
from moteur.modele import Plan, Session
from moteur.rotation import capacite_effective


def mesurer(session: Session, politique: str, graine: int) -> int:
    capacites = {pid: c.capacite for pid, c in capacite_effective(session).items()}
    return len(affecter(session, politique, graine, capacites=capacites).placees)


def banc(politique: str, graine: int, dossier: Path) -> None:
    session = lire_session(dossier)
    capacites = {pid: c.capacite for pid, c in capacite_effective(session).items()}
    resultat = affecter(session, politique, graine, capacites=capacites)
    plan_dir = dossier.parent / f"plan-{politique}"
    ecrire_plan(Plan(affectations=resultat.affectations), session, plan_dir)

    debut = time.perf_counter()
    session = lire_session(dossier)
    plan = lire_plan(plan_dir, session)
    lecture = time.perf_counter() - debut
    conseil = conseiller(session, plan, politique, graine)
    total = time.perf_counter() - debut
    etapes = ", ".join(f"{k} {v:.2f}" for k, v in conseil.durees.items())
    nombre = {
        a: sum(r.action == a for r in conseil.recommandations)
        for a in ("places", "jour", "nouveau_projet")
    }
    print(
        f"| {politique} | {len(session.eleves)} | {conseil.places_reference} | "
        f"{len(conseil.recommandations)} ({nombre['places']} / {nombre['jour']} / "
        f"{nombre['nouveau_projet']}) | {lecture:.2f} | {etapes} | **{total:.2f}** |"
    )
    base = conseil.places_reference
    for action in ("places", "jour", "nouveau_projet"):
        for reco in [r for r in conseil.recommandations if r.action == action][:3]:
            with tempfile.TemporaryDirectory() as copie:
                ecrire_session(appliquer(session, reco), copie)
                gain = mesurer(lire_session(copie), politique, graine) - base
            verdict = "exact" if gain == reco.gain_eleves else "ÉCART"
            print(
                f"|   | rang {reco.rang} | {action} {reco.projet_id or reco.commune_insee} "
                f"× {reco.quantite} | annoncé {reco.gain_eleves} | relancé {gain} | {verdict} |"
            )


def main(argv: list[str] | None = None) -> int:
    analyseur = argparse.ArgumentParser(description=__doc__)
    analyseur.add_argument("--graine", type=int, default=0)
    analyseur.add_argument("--politiques", nargs="+", default=["stable", "optimal"])
    args = analyseur.parse_args(argv)
    print(
        f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
        f"Python {platform.python_version()}"
    )
    print(
        "| politique | élèves | placés | recommandations (places / jour / nouveaux) | "
        "lecture (s) | étapes (s) | total (s) |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as racine:
        dossier = Path(racine) / "normandie"
        ecrire_session(generer("normandie", args.graine), dossier)
        for politique in args.politiques:
            banc(politique, args.graine, dossier)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
