"""La coordination, dans Chromium, sur la couverture du territoire : sans flux GTFS, un
message clair ; avec le petit flux (tests/moteur/transport/flux.py, mardi 16/06/2026,
arrivée 09:10, 90 min au plus), elle choisit un projet au clavier et voit la couche
isochrone sur la carte (noms posés en texte) et la liste des lycées d'où il est atteignable.
Réponses à la main : voir tests/apps/carte/test_couverture_transport.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.projets.models import Projet
from tests.apps.carte.navigateur import page_connectee
from tests.apps.carte.test_couverture_transport import televerser
from tests.apps.fabriques import (
    CommuneFactory,
    EtablissementFactory,
    ProjetFactory,
    SessionFactory,
    UtilisateurFactory,
)
from tests.apps.navigateur import capturer
from tests.moteur.transport.flux import LON, lat

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def dossiers(settings, tmp_path, monkeypatch):
    settings.MOBILITE_DOSSIER_GTFS = tmp_path / "gtfs"
    monkeypatch.setenv("STAGES_CACHE_TRANSPORT", str(tmp_path / "cache"))


@pytest.fixture
def projet():
    session = SessionFactory()
    commune = CommuneFactory(nom="Bourg-Test")
    for nom, metres in (
        ("Lycée <b>O</b>", 0),
        ("Lycée Y", 900),
        ("Lycée D", 15000),
        ("Lycée S", -5000),
    ):
        EtablissementFactory(nom=nom, latitude=lat(metres), longitude=LON, commune=commune)
    ProjetFactory(session=session, nom="Autre projet", statut=Projet.Statut.VALIDE)
    return ProjetFactory(
        session=session,
        nom="Usine <i>X</i>",
        latitude=lat(15400),
        longitude=LON,
        statut=Projet.Statut.PUBLIE,
    )


def test_sans_gtfs_message_clair(live_server, navigateur, projet):
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("carte:couverture"))
    expect(page.locator("#sans-gtfs")).to_contain_text(
        "Aucun flux GTFS n'est téléversé pour cette session"
    )
    expect(page.get_by_role("link", name="page Mobilité")).to_have_attribute(
        "href", reverse("mobilite:flux", args=[projet.session.pk])
    )
    expect(page.get_by_role("combobox", name="Projet")).to_have_count(0)
    expect(page.locator("#carte-couverture path.lycee-atteignant")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert page.erreurs_console == []


def test_couche_isochrone_du_projet_choisi(live_server, navigateur, projet, tmp_path):
    televerser(projet.session, tmp_path)
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("carte:couverture"))
    expect(page.locator("#sans-gtfs")).to_have_count(0)
    expect(page.locator("#carte-couverture path.lycee-atteignant")).to_have_count(0)

    # Au clavier : le sélecteur a une étiquette, le bouton suit.
    selecteur = page.get_by_role("combobox", name="Projet")
    selecteur.focus()
    selecteur.select_option(label=f"{projet.code} · Usine <i>X</i>")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Afficher les lycées d'où venir")).to_be_focused()
    page.keyboard.press("Enter")

    titre = page.get_by_role("heading", name="Lycées d'où venir à « Usine <i>X</i> »")
    expect(titre).to_be_visible()
    expect(page.locator("ul.lycees-atteignant li")).to_have_text(
        [
            "Lycée D (Bourg-Test) — 7 min",
            "Lycée <b>O</b> (Bourg-Test) — 66 min",
            "Lycée Y (Bourg-Test) — 71 min",
        ]
    )
    expect(page.get_by_role("combobox", name="Projet")).to_have_value(str(projet.pk))
    marqueurs = page.locator("#carte-couverture path.lycee-atteignant")
    expect(marqueurs).to_have_count(3)
    expect(page.locator("#carte-couverture path.projet-choisi")).to_have_count(1)
    # Le lycée en O (le deuxième marqueur) : son nom est du texte, pas du HTML.
    marqueurs.nth(1).hover()
    info = page.locator(".leaflet-tooltip").filter(has_text="66 min")
    expect(info).to_have_text("Lycée <b>O</b> — 66 min")
    expect(info.locator("b")).to_have_count(0)
    page.locator("#carte-couverture path.projet-choisi").hover()
    expect(page.locator(".leaflet-tooltip").filter(has_text="Usine")).to_have_text("Usine <i>X</i>")
    page.wait_for_load_state("networkidle")
    assert page.erreurs_console == []
    capturer(page, "couverture-isochrone")


def test_choix_invalide_annonce(live_server, navigateur, projet, tmp_path):
    televerser(projet.session, tmp_path)
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("carte:couverture") + "?projet=abc")
    expect(page.get_by_role("alert")).to_have_text(
        "Projet : Ce projet n'est pas sur la carte de la session : choisissez-en un dans la liste."
    )
    selecteur = page.get_by_role("combobox", name="Projet")
    expect(selecteur).to_have_attribute("aria-describedby", "erreur-projet")
    expect(page.locator("#carte-couverture path.lycee-atteignant")).to_have_count(0)
