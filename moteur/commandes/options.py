"""Options communes aux commandes qui relancent l'affectation (`plan`, `conseiller`)."""

from __future__ import annotations

import argparse


def ajouter_politique_et_graine(
    parser: argparse.ArgumentParser, *, aide_politique: str, aide_graine: str
) -> None:
    """`--policy` (stable ou optimal, défaut stable) et `--seed` (entier, défaut 0)."""
    parser.add_argument(
        "--policy",
        dest="politique",
        choices=("stable", "optimal"),
        default="stable",
        help=aide_politique,
    )
    parser.add_argument("--seed", dest="graine", type=int, default=0, help=aide_graine)
