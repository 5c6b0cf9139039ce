"""Les sous-commandes de la plateforme (`import`, `export`, `demo`) de `stages-collectifs`.

Django n'est configuré qu'au moment d'exécuter (`demarrer_django`), jamais à l'import du
module : `cli.py` importe tous les modules de commandes, et `check`/`plan` n'ont pas
besoin de base.
"""

from __future__ import annotations

import io
import os

from moteur.erreurs import ErreurUtilisateur

REGLAGES_PAR_DEFAUT = "conf.settings.dev"


def demarrer_django(migrer: bool = True) -> None:
    """Configure Django (réglages de développement par défaut) et, si `migrer`, applique en
    silence les migrations en attente (base neuve comprise)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", REGLAGES_PAR_DEFAUT)
    import django
    from django.db import DatabaseError

    django.setup()
    if not migrer:
        return
    try:
        _migrer_si_besoin()
    except DatabaseError as exc:
        raise ErreurUtilisateur(f"base de données inaccessible ou invalide : {exc}") from None


def _migrer_si_besoin() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executeur = MigrationExecutor(connection)
    cibles = executeur.loader.graph.leaf_nodes()
    if executeur.migration_plan(cibles):
        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())


def afficher_avertissements(avertissements: list[str], limite: int = 20) -> None:
    for texte in avertissements[:limite]:
        print(f"Avertissement : {texte}")
    if len(avertissements) > limite:
        print(f"… et {len(avertissements) - limite} autre(s) avertissement(s).")
