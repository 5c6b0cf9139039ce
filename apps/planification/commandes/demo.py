"""`stages-collectifs demo` : charge le jeu de démonstration (référentiel compris)."""

from __future__ import annotations

import argparse

from apps.planification.commandes import demarrer_django

AIDE = (
    "Charge la démonstration : la session « Stages collectifs de seconde 2026 », les 26 "
    "projets de la carte du 15/12/2025, des élèves fictifs et quatre comptes de démo."
)


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--eleves",
        type=int,
        default=None,
        metavar="N",
        help="nombre d'élèves fictifs (défaut : 2000)",
    )
    parser.add_argument(
        "--graine",
        type=int,
        default=None,
        metavar="G",
        help="graine du tirage au sort (défaut : 2026)",
    )
    parser.add_argument(
        "--reinitialiser", action="store_true", help="supprimer la démo existante et la recharger"
    )


def executer(args: argparse.Namespace) -> int:
    # Réglages d'abord, sans toucher à la base : en production, on refuse avant de migrer.
    demarrer_django(migrer=False)
    from apps.planification import demo

    demo.refuser_en_production()
    demarrer_django()

    rapport = demo.charger_demo(
        nb_eleves=demo.NB_ELEVES if args.eleves is None else args.eleves,
        graine=demo.GRAINE if args.graine is None else args.graine,
        reinitialiser=args.reinitialiser,
    )
    print(rapport.resume())
    print("Comptes de démonstration (identifiant / mot de passe) :")
    for identifiant, (role, mot_de_passe, _prenom, _nom) in demo.COMPTES_DEMO.items():
        print(f"  {identifiant} / {mot_de_passe}  ({role.label})")
    return 0
