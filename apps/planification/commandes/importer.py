"""`stages-collectifs import DOSSIER [--session NOM]` : dossier de session → base."""

from __future__ import annotations

import argparse
from pathlib import Path

from apps.planification.commandes import afficher_avertissements, demarrer_django

AIDE = (
    "Importe un dossier de session dans la base (tout ou rien). Une session du même nom "
    "est mise à jour : ses élèves, vœux et plan sont remplacés."
)
STATUTS = ("publie", "valide", "soumis", "brouillon")


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dossier",
        type=Path,
        metavar="DOSSIER",
        help="dossier de session (session.json, *.csv ou session.xlsx)",
    )
    parser.add_argument(
        "--session",
        metavar="NOM",
        help="nom de la session en base (par défaut : « nom » de session.json)",
    )
    parser.add_argument(
        "--statut-projets",
        choices=STATUTS,
        default="publie",
        help="statut des projets nouveaux (défaut : publie, visibles sur la "
        "carte ; les projets déjà en base gardent le leur)",
    )


def executer(args: argparse.Namespace) -> int:
    demarrer_django()
    from apps.planification.importation import importer_dossier

    resultat = importer_dossier(args.dossier, nom=args.session, statut_projets=args.statut_projets)
    afficher_avertissements(resultat.avertissements)
    print(resultat.resume())
    return 0
