"""`stages-collectifs plan IN_DIR --out OUT_DIR [--policy stable|optimal] [--seed N]`.

Sans base de données : lit le dossier de session, place les élèves, construit les
programmes, écrit `affectations.csv`, `planning.csv` et `rapport.md` dans OUT_DIR.
Même entrée et même graine : même sortie.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moteur.erreurs import ErreurUtilisateur

AIDE = "Affecte les élèves aux projets et construit les programmes (sans base de données)."


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dossier_session",
        metavar="IN_DIR",
        type=Path,
        help="dossier de session (session.json, eleves.csv…)",
    )
    parser.add_argument(
        "--out",
        dest="sortie",
        metavar="OUT_DIR",
        type=Path,
        required=True,
        help="dossier où écrire affectations.csv, planning.csv et rapport.md",
    )
    parser.add_argument(
        "--policy",
        dest="politique",
        choices=("stable", "optimal"),
        default="stable",
        help="politique d'affectation (défaut : stable)",
    )
    parser.add_argument(
        "--seed", dest="graine", type=int, default=0, help="graine du tirage au sort (défaut : 0)"
    )
    parser.add_argument(
        "--rotation-limite",
        dest="limite",
        type=float,
        default=60.0,
        metavar="SECONDES",
        help=(
            "budget du solveur des programmes, en temps déterministe de CP-SAT (≈ secondes, "
            "défaut : 60) ; chaque groupe de projets liés reçoit au moins 0,05 : au niveau "
            "national (≈ 10 000 projets), la rotation prend ≈ 10 minutes"
        ),
    )
    parser.add_argument(
        "--sans-rotation", action="store_true", help="affectation seule : planning.csv reste vide"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="sans barre de progression")


def executer(args: argparse.Namespace) -> int:
    from moteur.format import ecrire_plan, lire_session
    from moteur.planificateur import planifier, texte_rapport_plan

    if args.sortie.exists() and not args.sortie.is_dir():
        raise ErreurUtilisateur(f"{args.sortie} existe et n'est pas un dossier.")
    session = lire_session(args.dossier_session)
    for avertissement in session.avertissements:
        print(f"Avertissement : {avertissement}", file=sys.stderr)
    with _barre(args.quiet) as signaler:
        resultat = planifier(
            session,
            args.politique,
            args.graine,
            limite_rotation_s=args.limite,
            avec_rotation=not args.sans_rotation,
            progression=signaler,
        )
    ecrire_plan(resultat.plan, session, args.sortie)
    rapport = texte_rapport_plan(session, resultat)
    (args.sortie / "rapport.md").write_text(rapport, encoding="utf-8")
    durees = ", ".join(f"{etape} {duree:.2f} s" for etape, duree in resultat.durees.items())
    print(f"Durées : {durees}.", file=sys.stderr)
    places = sum(1 for a in resultat.plan.affectations.values() if a.projet_id)
    print(
        f"{places} élèves placés sur {len(session.eleves)} (borne max-flot : {resultat.borne}) ; "
        f"plan écrit dans {args.sortie} (rapport : {args.sortie / 'rapport.md'})."
    )
    return 0


class _barre:
    """Barre de progression tqdm sur la sortie d'erreur (rien si --quiet)."""

    def __init__(self, silencieux: bool) -> None:
        self.silencieux = silencieux
        self.barre: Any = None  # tqdm (sans annotations de types)

    def __enter__(self) -> Callable[[str, float], None]:
        if self.silencieux:
            return lambda _etape, _x: None
        from tqdm import tqdm  # type: ignore[import-untyped]

        barre = tqdm(
            total=100,
            file=sys.stderr,
            unit="%",
            leave=False,
            bar_format="{desc} {bar} {percentage:3.0f} %",
        )
        self.barre = barre

        def signaler(etape: str, avancement: float) -> None:
            barre.set_description_str(etape)
            barre.update(max(0, round(100 * avancement) - barre.n))

        return signaler

    def __exit__(self, *exc: object) -> None:
        if self.barre is not None:
            self.barre.close()
