"""`stages-collectifs purger [--date AAAA-MM-JJ] [--dry-run]` : purge les données
personnelles des sessions terminées depuis plus de `RETENTION_MOIS` mois."""

from __future__ import annotations

import argparse
from datetime import date

from apps.planification.commandes import demarrer_django
from moteur.erreurs import ErreurUtilisateur

AIDE = (
    "Purge les données personnelles (identités, courriels, IP et navigateurs des signataires, "
    "domiciles précis, journal des accès) des sessions terminées depuis plus de RETENTION_MOIS "
    "mois ; garde les affectations pseudonymes et les statistiques. À lancer chaque nuit."
)


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {texte} » : attendu AAAA-MM-JJ, par exemple 2027-07-01"
        ) from None


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date",
        type=_date,
        default=None,
        metavar="AAAA-MM-JJ",
        help="simule cette date comme aujourd'hui (défaut : la date du jour)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="liste ce qui partirait (comptes par catégorie) sans rien modifier",
    )


def executer(args: argparse.Namespace) -> int:
    demarrer_django()
    from django.db import DatabaseError

    from apps.donnees_personnelles.purge import purger

    try:
        bilan = purger(args.date, simuler=args.dry_run)
    except DatabaseError as exc:
        raise ErreurUtilisateur(f"purge annulée, rien n'a été modifié : {exc}") from None
    for ligne in bilan.lignes():
        print(ligne)
    return 0
