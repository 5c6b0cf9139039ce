"""Dans Chromium : un petit plan publié, un élève retiré et un jour annulé par une structure
en base ; la coordination lance la réparation (vraie file en base, `db_worker`), lit
l'aperçu, confirme, et voit le résultat ; puis synchronise les conventions."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from apps.conventions.models import Convention
from apps.planification.models import Affectation, Travail
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import UtilisateurFactory
from tests.apps.navigateur import capturer, contenu
from tests.apps.planification.test_reparation import (
    annuler_un_jour,
    eleves_du_projet,
    publier_un_petit_plan,
    retirer_un_eleve,
    versions,
)

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_reparer_le_plan_publie_dans_le_navigateur(live_server, navigateur, settings):
    coordinatrice = UtilisateurFactory(coordinateur=True)
    client = Client()
    client.force_login(coordinatrice)
    session, (p1, p2) = publier_un_petit_plan(client)
    attente = Affectation.objects.get(eleve__session=session, projet__isnull=True)
    attente = attente.eleve.identifiant
    retire = retirer_un_eleve(p1)
    structure, _jour = annuler_un_jour(p2)
    restent_p1, eleves_p2 = eleves_du_projet(p1), eleves_du_projet(p2)
    avant = versions(session)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = page_connectee(navigateur, live_server, coordinatrice)
    page.goto(live_server.url + reverse("planification:resultats"))
    page.get_by_role("link", name="Réparer le plan publié").click()
    page.get_by_role("button", name="Réparer le plan publié").click()
    page.wait_for_selector("progress")
    expect(page.locator("#progression")).to_contain_text("En attente")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    expect(page.locator("#progression")).to_contain_text("Terminé", timeout=15_000)
    expect(page.locator(".rapport")).to_contain_text(
        "Affectations gardées telles quelles : 4 sur 5"
    )
    page.get_by_role("link", name="Voir l'aperçu de la réparation et la confirmer").click()

    # L'aperçu : chiffres, élèves qui bougent, journée reportée, liste d'attente
    expect(page.locator("h1")).to_contain_text("Réparer le plan publié")
    chiffres = page.locator(".chiffres-reparation").inner_text()
    assert "4 affectations gardées telles quelles" in chiffres
    assert "1 journée reportée" in chiffres
    mouvements = page.locator("#mouvements").inner_text()
    assert retire in mouvements and "retiré" in mouvements
    ligne = page.locator("#mouvements tr", has_text=attente).inner_text()
    assert "non placé" in ligne and f"14-001 — {p1.nom}, groupe G1" in ligne
    assert structure.nom in page.locator("#journees").inner_text()
    assert attente in page.locator("#attente").inner_text()
    assert "2 conventions, dont 2 déjà signées" in page.locator(".alerte").first.inner_text()
    capturer(page, "reparation-apercu")
    assert eleves_du_projet(p1) == restent_p1  # rien n'a changé en base

    page.get_by_label("Je confirme").check()
    page.get_by_role("button", name="Confirmer la réparation").click()
    expect(page.locator(".messages")).to_contain_text("Plan réparé publié")
    assert page.locator("h1").inner_text().startswith("Résultats")
    expect(page.locator("main")).to_contain_text("5 élèves placés sur 5")
    assert "6 élèves placés sur 6" not in contenu(page)  # le retiré n'a plus d'affectation
    assert eleves_du_projet(p1) == sorted([*restent_p1, attente])
    assert not Travail.objects.filter(session=session, plan__isnull=False).exists()
    capturer(page, "reparation-confirmee")

    page.get_by_role("button", name="Synchroniser les conventions").click()
    # seules changent les conventions des élèves touchés (journée reportée en P2) ; l'élève
    # servi par la liste d'attente reçoit la sienne ; celles de P1 restent signées
    expect(page.locator(".messages")).to_contain_text(
        "1 créée(s), 2 nouvelle(s) version(s) à signer, 2 inchangée(s), 0 annulée(s)"
    )
    capturer(page, "reparation-conventions")
    apres = versions(session)
    assert all(apres[e] == avant[e] == (1, Convention.Statut.SIGNEE) for e in restent_p1)
    assert all(apres[e] == (2, Convention.Statut.A_RESIGNER) for e in eleves_p2)
    assert page.erreurs_console == []
