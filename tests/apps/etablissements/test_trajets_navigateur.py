"""Le lycée, dans Chromium, ouvre l'emploi du temps d'un élève placé : sans flux GTFS, pas
de trajet ; une fois le petit flux téléversé, le trajet de chaque jour (départ, lignes,
arrivée) dans un tableau lisible. Réponses à la main : voir test_trajets.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.apps.carte.navigateur import page_connectee
from tests.apps.etablissements.test_trajets import eleve_place
from tests.apps.mobilite.branchements import televerser_le_petit_flux
from tests.apps.navigateur import capturer

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def dossiers(settings, tmp_path, monkeypatch):
    settings.MOBILITE_DOSSIER_GTFS = tmp_path / "gtfs"
    monkeypatch.setenv("STAGES_CACHE_TRANSPORT", str(tmp_path / "cache"))


def test_trajets_de_l_eleve_dans_son_emploi_du_temps(
    live_server, navigateur, session, compte, lycee, tmp_path
):
    eleve = eleve_place(session, lycee)
    page = page_connectee(navigateur, live_server, compte)
    url = live_server.url + reverse("etablissements:emploi_du_temps", args=[lycee.uai, eleve.pk])
    page.goto(url)
    expect(page.get_by_role("table", name="Emploi du temps, jour par jour")).to_be_visible()
    expect(page.get_by_role("heading", name="Trajets en transport en commun")).to_have_count(0)
    expect(page.get_by_text("Départ", exact=True)).to_have_count(0)

    televerser_le_petit_flux(session, tmp_path)
    page.goto(url)
    expect(page.get_by_role("heading", name="Trajets en transport en commun")).to_be_visible()
    expect(page.locator("#trajets")).to_contain_text("selon les horaires du mardi 16 juin 2026")
    tableau = page.get_by_role("table", name="Trajet de chaque jour vers la structure")
    lignes = tableau.locator("tbody tr")
    expect(lignes).to_have_count(3)
    expect(lignes.nth(0).locator("td")).to_have_text(
        [
            "lundi 15 juin",
            "Atelier Y (09h00)",
            "08:44",
            "à pied",
            "09:00 (16 min)",
            "à pied (900 m)",
        ]
    )
    expect(lignes.nth(1).locator("td")).to_have_text(
        [
            "mardi 16 juin",
            "Usine X (09h10)",
            "08:04",
            "lignes 1 puis 2",
            "09:07 (66 min)",
            "ligne 1 de Arrêt A (08:10) à Arrêt B (08:25) ; "
            "ligne 2 de Arrêt C (08:40) à Arrêt D (09:00)",
        ]
    )
    expect(lignes.nth(2)).to_have_class("trajet-impossible")
    expect(lignes.nth(2)).to_contain_text("Aucun trajet en transport en commun ou à pied")
    # Les en-têtes de colonne nomment chaque cellule pour un lecteur d'écran.
    expect(tableau.get_by_role("columnheader")).to_have_text(
        ["Date", "Vers", "Départ", "Lignes", "Arrivée", "Montées et descentes"]
    )
    assert page.erreurs_console == []
    capturer(page, "emploi-du-temps-trajets")
