"""La coordination, dans Chromium : téléverse un flux cassé (message clair, rien gardé),
puis le petit flux de test (tests/moteur/transport/flux.py) et lit sa couverture."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.mobilite.models import FluxTransport
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import SessionFactory, UtilisateurFactory
from tests.apps.navigateur import capturer
from tests.moteur.transport.flux import TABLES, ecrire_flux

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_televerser_le_petit_flux_et_lire_la_couverture(live_server, navigateur, tmp_path):
    session = SessionFactory()
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("mobilite:index"))
    expect(page.locator("#sans-flux")).to_contain_text("à vol d'oiseau")

    casse = ecrire_flux(
        tmp_path / "casse.zip",
        stop_times=TABLES["stop_times.txt"].replace("1a,08:10:00", "1a,8h10"),
    )
    page.set_input_files("input[type=file]", str(casse))
    page.get_by_role("button", name="Téléverser et valider").click()
    expect(page.locator("#erreur-flux")).to_contain_text(
        "Flux refusé, rien n'a été enregistré : casse.zip › stop_times.txt, ligne 4, "
        "colonne « arrival_time » : heure invalide « 8h10 » (attendu HH:MM:SS)"
    )
    assert not FluxTransport.objects.exists()

    flux = ecrire_flux(tmp_path / "reseau.zip")
    page.set_input_files("input[type=file]", str(flux))
    page.get_by_role("button", name="Téléverser et valider").click()
    expect(page.get_by_role("status")).to_contain_text("Flux « reseau.zip » validé et enregistré")
    expect(page.locator("#nb-arrets")).to_have_text("5")
    expect(page.locator("#nb-lignes")).to_have_text("4")
    expect(page.locator("#periode")).to_have_text("du 01/06/2026 au 31/07/2026")
    expect(page.locator("#jour-utilise")).to_contain_text("lundi 15/06/2026 (par défaut")
    capturer(page, "mobilite-couverture")

    # Choisir le mardi 16 : la page le dit, et le moteur le recevra.
    page.get_by_label("Jour des horaires utilisés pour les calculs").select_option("2026-06-16")
    page.get_by_label("Durée maximale du trajet (minutes)").fill("45")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.locator("#jour-utilise")).to_have_text("mardi 16/06/2026")
    expect(page.locator("#regle")).to_contain_text("après 45 min de trajet au plus")
    assert FluxTransport.objects.get(session=session).parametres().duree_max_min == 45
