"""`stages-collectifs serve [--port 8000]` : lance le serveur web de développement.

C'est le serveur de développement de Django (`runserver`) : rechargement automatique,
fichiers statiques servis, un seul processus. En production, on sert plutôt l'application
WSGI `conf.wsgi:application` par un serveur dédié (gunicorn ou uvicorn derrière un
mandataire inverse), avec `conf.settings.prod`, `collectstatic` et les tâches de fond dans
leur propre processus (voir la documentation de déploiement).
"""

from __future__ import annotations

import argparse

from apps.planification.commandes import demarrer_django

AIDE = "Lance le serveur web de développement (migrations appliquées d'abord)."


def _port(texte: str) -> int:
    try:
        port = int(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {texte} » n'est pas un numéro de port") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError("le port doit être compris entre 1 et 65535")
    return port


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=_port, default=8000, help="port d'écoute (défaut : 8000)")
    parser.add_argument(
        "--hote",
        default="127.0.0.1",
        help="adresse d'écoute (défaut : 127.0.0.1 ; 0.0.0.0 pour le réseau)",
    )
    parser.add_argument(
        "--sans-rechargement",
        action="store_true",
        help="ne pas relancer le serveur quand le code change",
    )


def executer(args: argparse.Namespace) -> int:
    demarrer_django()
    from django.core.management import call_command

    hote = f"[{args.hote}]" if ":" in args.hote else args.hote
    call_command("runserver", f"{hote}:{args.port}", use_reloader=not args.sans_rechargement)
    return 0
