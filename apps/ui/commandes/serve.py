"""`stages-collectifs serve [--port 8000]` : lance la plateforme pour le développement.

Deux processus :
- le serveur de développement de Django (`runserver`) : rechargement automatique, fichiers
  statiques servis ;
- le **travailleur des tâches de fond** (`manage.py db_worker`, django-tasks-db), lancé en
  sous-processus : c'est lui qui exécute l'affectation et les programmes demandés depuis
  le web. Sans lui, ces tâches resteraient « en attente ».

Le travailleur est lancé par le processus qui surveille le code (jamais par le processus
relancé à chaque modification : un seul travailleur) et arrêté avec le serveur (Ctrl-C,
SIGTERM ou erreur) : SIGTERM à son groupe de processus, puis SIGKILL s'il traîne. Il n'est
pas lancé si les tâches ne passent pas par la base (réglage `TASKS`, p. ex. exécution
immédiate des tests) ni avec `--sans-travailleur`.

En production, on sert plutôt `conf.wsgi:application` par gunicorn (`conf.settings.prod`,
`collectstatic`) et on lance `manage.py db_worker` comme service à part.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from apps.planification.commandes import demarrer_django

AIDE = "Lance le serveur web de développement et le travailleur des tâches de fond."
ATTENTE_ARRET_S = 10
# Variable posée par l'autoreload de Django dans le processus relancé à chaque modification.
PROCESSUS_RELANCE = "RUN_MAIN"


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
    parser.add_argument(
        "--sans-travailleur",
        action="store_true",
        help="ne pas lancer le travailleur des tâches de fond (db_worker)",
    )


def taches_en_base() -> bool:
    """Vrai si les tâches de fond passent par la file d'attente en base (django-tasks-db)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def commande_travailleur(rechargement: bool) -> list[str]:
    from django.conf import settings

    return [
        sys.executable,
        str(settings.BASE_DIR / "manage.py"),
        "db_worker",
        "--reload" if rechargement else "--no-reload",
    ]


def lancer_travailleur(rechargement: bool) -> subprocess.Popen:
    from django.conf import settings

    # Son propre groupe de processus : Ctrl-C ne l'interrompt pas au milieu d'une tâche
    # avant que le serveur ne l'arrête proprement, et on l'arrête avec ses enfants.
    return subprocess.Popen(
        commande_travailleur(rechargement),
        cwd=settings.BASE_DIR,
        env=dict(os.environ),
        start_new_session=True,
    )


def arreter_travailleur(processus: subprocess.Popen) -> None:
    if processus.poll() is not None:
        return
    try:
        os.killpg(processus.pid, signal.SIGTERM)
        processus.wait(timeout=ATTENTE_ARRET_S)
    except subprocess.TimeoutExpired:
        os.killpg(processus.pid, signal.SIGKILL)
        processus.wait(timeout=ATTENTE_ARRET_S)
    except ProcessLookupError:
        pass


@contextmanager
def travailleur(args: argparse.Namespace) -> Iterator[subprocess.Popen | None]:
    """Le travailleur des tâches de fond le temps du bloc, s'il en faut un ici."""
    if args.sans_travailleur or os.environ.get(PROCESSUS_RELANCE) == "true" or not taches_en_base():
        yield None
        return
    processus = lancer_travailleur(rechargement=not args.sans_rechargement)
    print(f"Travailleur des tâches de fond lancé (processus {processus.pid}).", flush=True)
    try:
        yield processus
    finally:
        arreter_travailleur(processus)
        print("Travailleur des tâches de fond arrêté.", flush=True)


def _sortir(_signum, _frame) -> None:
    sys.exit(0)


def executer(args: argparse.Namespace) -> int:
    demarrer_django()
    from django.core.management import call_command

    hote = f"[{args.hote}]" if ":" in args.hote else args.hote
    # SIGTERM termine proprement (blocs `finally` compris) : le travailleur part avec nous.
    precedent = signal.signal(signal.SIGTERM, _sortir)
    try:
        with travailleur(args), suppress(KeyboardInterrupt):
            call_command(
                "runserver", f"{hote}:{args.port}", use_reloader=not args.sans_rechargement
            )
    finally:
        signal.signal(signal.SIGTERM, precedent)
    return 0
