"""`stages-collectifs export DOSSIER [--session ID]` : base → dossier de session."""

from __future__ import annotations

import argparse
from pathlib import Path

from apps.planification.commandes import afficher_avertissements, demarrer_django

AIDE = (
    "Exporte une session de la base en dossier de session (et affectations.csv / "
    "planning.csv si un plan existe)."
)


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dossier", type=Path, metavar="DOSSIER", help="dossier à écrire")
    parser.add_argument(
        "--session",
        type=int,
        metavar="ID",
        help="numéro de la session (défaut : la session en cours)",
    )
    parser.add_argument(
        "--tous-les-projets",
        action="store_true",
        help="exporter aussi les projets non publiés (s'ils ont un porteur et des structures)",
    )
    parser.add_argument(
        "--avec-identites",
        action="store_true",
        help="écrire aussi identites.csv (données personnelles des élèves)",
    )


def executer(args: argparse.Namespace) -> int:
    demarrer_django()
    from apps.planification.importation import choisir_session, exporter_dossier

    session = choisir_session(args.session)
    statuts = None if args.tous_les_projets else ("publie",)
    resultat = exporter_dossier(
        session, args.dossier, statuts=statuts, avec_identites=args.avec_identites
    )
    afficher_avertissements(resultat.donnees.avertissements)
    print(resultat.resume(args.dossier))
    return 0
