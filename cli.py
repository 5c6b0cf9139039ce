"""Le script `stages-collectifs` : analyse la ligne de commande, appelle, affiche.

Aucune logique métier ici : chaque sous-commande vit dans son module (voir
`moteur/commandes/__init__.py`). Les entrées invalides donnent un message en français et
le code 2, jamais une trace Python.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# nom de la sous-commande -> module qui l'implémente
COMMANDES = {
    "import": "apps.planification.commandes.importer",
    "export": "apps.planification.commandes.exporter",
    "check": "moteur.commandes.check",
    "plan": "moteur.commandes.plan",
    "demo": "apps.planification.commandes.demo",
    "serve": "apps.ui.commandes.serve",
    "conventions": "apps.conventions.commandes.conventions",
    "trajet": "moteur.commandes.trajet",
    "purger": "apps.donnees_personnelles.commandes.purger",
    "publier": "apps.promotion.commandes.publier",
    "conseiller": "moteur.commandes.conseiller",
}


def construire_analyseur() -> argparse.ArgumentParser:
    analyseur = argparse.ArgumentParser(
        prog="stages-collectifs",
        description="Stages collectifs de seconde : import, planification, contrôle, export.",
    )
    sous = analyseur.add_subparsers(dest="commande", metavar="COMMANDE", required=True)
    for nom, chemin in COMMANDES.items():
        try:
            module = importlib.import_module(chemin)
        except ModuleNotFoundError as exc:
            if exc.name and chemin.startswith(exc.name):
                continue  # commande pas encore livrée dans cette version
            raise
        parser = sous.add_parser(nom, help=module.AIDE, description=module.AIDE)
        module.ajouter_arguments(parser)
        parser.set_defaults(executer=module.executer)
    return analyseur


def main(argv: list[str] | None = None) -> int:
    from moteur.erreurs import ErreurUtilisateur

    analyseur = construire_analyseur()
    args = analyseur.parse_args(argv)
    try:
        return int(args.executer(args))
    except ErreurUtilisateur as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
