"""La coordination lance l'affectation dans Chromium et suit sa progression (htmx), avec la
vraie file en base (django_tasks_db) : la page interroge le serveur (htmx) pendant que le
travailleur `db_worker --batch` exécute la tâche."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from apps.planification.models import Affectation, Travail
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import UtilisateurFactory
from tests.apps.navigateur import capturer
from tests.apps.planification.test_taches import session_planifiable

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_lancer_l_affectation_avec_progression(live_server, navigateur, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    session_planifiable()
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("planification:travaux"))
    page.get_by_label("Politique d'affectation").select_option("optimal")
    page.get_by_role("button", name="Lancer").click()
    page.wait_for_selector("progress")
    expect(page.locator("#progression")).to_contain_text("En attente")
    expect(page.locator("#progression[hx-trigger]")).to_have_count(1)
    capturer(page, "affectation-en-attente")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    expect(page.locator("#progression")).to_contain_text("Terminé", timeout=15_000)
    expect(page.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator(".rapport")).to_contain_text("élèves placés : 5 sur 6")
    capturer(page, "affectation-terminee")
    assert Travail.objects.get().etat == Travail.Etat.TERMINE
    assert Affectation.objects.filter(projet__isnull=False).count() == 5

    page.get_by_role("link", name="Revoir les résultats").click()
    page.get_by_role("button", name="Publier les résultats aux établissements").click()
    expect(page.locator(".messages")).to_contain_text("Résultats publiés pour 6 élèves")
    capturer(page, "resultats-publies")
    assert page.erreurs_console == []
