"""La tâche de fond « publier / mettre à jour tout » (django-tasks : exécutée par le
travailleur `manage.py db_worker` ; en test, immédiatement)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from apps.promotion.client import ErreurApi
from apps.promotion.models import EnvoiNational
from apps.promotion.publication import publier
from apps.promotion.reglages import lire_reglages

journal = logging.getLogger(__name__)


@task()
def publier_tout(envoi_id: int, url_site: str) -> str:
    envoi = EnvoiNational.objects.select_related("session").get(pk=envoi_id)
    envoi.statut = EnvoiNational.Statut.EN_COURS
    envoi.save(update_fields=["statut"])
    reglages = lire_reglages()
    try:
        with reglages.client() as client:
            bilan = publier(envoi.session, client, url_site)
    except ErreurApi as exc:
        envoi.statut, envoi.resume = EnvoiNational.Statut.ECHEC, f"Envoi impossible : {exc}"
    except Exception:
        journal.exception("Envoi national n° %s : erreur inattendue", envoi_id)
        envoi.statut = EnvoiNational.Statut.ECHEC
        envoi.resume = "Erreur inattendue pendant l'envoi : voir le journal du serveur."
    else:
        envoi.statut = (
            EnvoiNational.Statut.ECHEC if bilan.interrompu else EnvoiNational.Statut.TERMINE
        )
        envoi.resume = "\n".join(bilan.lignes())
    envoi.termine_le = timezone.now()
    envoi.save(update_fields=["statut", "resume", "termine_le"])
    return envoi.statut
