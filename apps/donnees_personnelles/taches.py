"""La tâche périodique de purge (django-tasks). À planifier chaque nuit, par exemple avec
cron : `stages-collectifs purger` (voir docs/donnees-personnelles.md), ou en mettant la
tâche en file : `purger_donnees.enqueue()` — un travailleur `manage.py db_worker` l'exécute."""

from __future__ import annotations

import logging
from datetime import date

from django_tasks import task

from apps.donnees_personnelles.purge import purger

journal = logging.getLogger(__name__)


@task()
def purger_donnees(date_iso: str | None = None, simuler: bool = False) -> dict[str, int]:
    """Purge les sessions dont la conservation est échue ; renvoie les totaux par catégorie
    (aucune donnée personnelle dans le résultat ni dans les logs)."""
    bilan = purger(date.fromisoformat(date_iso) if date_iso else None, simuler=simuler)
    totaux = {nom: bilan.total(nom) for b in bilan.sessions for nom in b.comptes}
    journal.info("Purge RGPD : %d session(s), %s", len(bilan.sessions), totaux)
    return totaux
