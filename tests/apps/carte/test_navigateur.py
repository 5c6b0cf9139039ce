"""La carte publique dans Chromium : contours, marqueurs, filtres (htmx) et fiche."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.projets.models import Projet
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
)
from tests.apps.navigateur import capturer, contenu

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def carre(lat: float, lon: float, d: float) -> str:
    anneau = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [anneau]})


def donnees_carte():
    session = SessionFactory()
    DepartementFactory(code="14", nom="Calvados", contour=carre(49.1, -0.4, 0.5))
    manche = DepartementFactory(code="50", nom="Manche", contour=carre(49.1, -1.3, 0.45))
    epci = EpciFactory(nom="Saint-Lô Agglo", contour=carre(49.1, -1.1, 0.15))
    villes = [
        ("Caen", 49.18, -0.37, "14", None, "mono-site", "H"),
        ("Bayeux", 49.27, -0.70, "14", None, "multi-secteurs", "J|K"),
        ("Lisieux", 49.15, 0.23, "14", None, "mono-secteur", "F"),
        ("Saint-Lô", 49.11, -1.09, "50", epci, "multi-secteurs", "J"),
        ("Coutances", 49.05, -1.44, "50", None, "bi-entreprises", "A|N"),
    ]
    for nom, lat, lon, dep, e, type_, domaines in villes:
        commune = CommuneFactory(
            nom=nom,
            latitude=lat,
            longitude=lon,
            departement=manche if dep == "50" else DepartementFactory(),
            epci=e or EpciFactory(contour=carre(lat, lon, 0.1)),
        )
        structure = StructureAccueilFactory(session=session, domaines=domaines, commune=commune)
        ProjetFactory(
            session=session,
            nom=f"Découverte des métiers à {nom}",
            type=type_,
            commune=commune,
            statut=Projet.Statut.PUBLIE,
            structures=[structure],
            referent="Sam Animateur",
        )
    ProjetFactory(session=session, nom="Brouillon invisible", statut=Projet.Statut.BROUILLON)


def test_carte_avec_projets_et_filtres(live_server, navigateur):
    donnees_carte()
    page = page_connectee(navigateur, live_server)
    page.goto(live_server.url + reverse("carte:carte"))
    marqueurs = page.locator("#carte path.leaflet-interactive")
    page.wait_for_selector('#carte[data-nombre-marqueurs="5"]')
    expect(page.locator("#carte svg path").nth(5 + 2 - 1)).to_be_attached()  # marqueurs + contours
    expect(page.locator("#liste-projets .carte-projet")).to_have_count(5)
    assert "Brouillon invisible" not in contenu(page)
    capturer(page, "carte-projets")

    page.get_by_label("Département").select_option("50")
    expect(page.locator("#liste-projets .carte-projet")).to_have_count(2)
    page.wait_for_selector('#carte[data-nombre-marqueurs="2"]')
    # l'adresse suit les filtres (htmx push-url)
    expect(page).to_have_url(re.compile("departement=50"))
    expect(marqueurs).to_have_count(2)
    page.get_by_label("Secteur (domaine ROME)").select_option("J")
    expect(page.locator("#liste-projets .carte-projet")).to_have_count(1)
    expect(page.locator("#liste-projets")).to_contain_text("Saint-Lô")
    capturer(page, "carte-filtree")

    page.locator("#liste-projets a").first.click()
    page.wait_for_selector("h1")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Découverte des métiers à Saint-Lô"
    )
    expect(page.locator("main")).to_contain_text("Sam Animateur")
    # le point de rendez-vous est dessiné au-dessus des contours
    page.wait_for_selector("#carte-projet .leaflet-overlay-pane path.leaflet-interactive")
    page.wait_for_selector("#carte-projet .leaflet-fond-pane path")
    capturer(page, "fiche-projet")
    assert page.erreurs_console == []


def test_carte_sur_telephone(live_server, navigateur):
    """À 390 px : la carte dans le premier écran, les filtres repliés qui s'ouvrent au
    clavier et filtrent toujours, aucun défilement horizontal."""
    donnees_carte()
    page = page_connectee(navigateur, live_server, largeur=390)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("carte:carte"))
    page.wait_for_selector('#carte[data-nombre-marqueurs="5"]')
    largeur = page.evaluate("() => document.documentElement.scrollWidth")
    assert largeur <= 390 + 1  # pas de défilement horizontal
    haut_carte = page.locator("#carte").bounding_box()["y"]
    assert haut_carte < 844 - 200, haut_carte  # au moins 200 px de carte sans défiler
    departement = page.get_by_label("Département")
    expect(departement).to_be_hidden()  # filtres repliés
    capturer(page, "carte-telephone")

    # Au clavier : tabulation jusqu'au résumé des filtres, Entrée l'ouvre.
    resume = page.locator("summary", has_text="Filtrer les projets")
    for _ in range(30):
        page.keyboard.press("Tab")
        if resume.evaluate("(e) => e === document.activeElement"):
            break
    assert resume.evaluate("(e) => e === document.activeElement")
    page.keyboard.press("Enter")
    expect(departement).to_be_visible()
    departement.focus()
    departement.select_option("50")
    expect(page.locator("#liste-projets .carte-projet")).to_have_count(2)
    page.wait_for_selector('#carte[data-nombre-marqueurs="2"]')
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    capturer(page, "carte-telephone-filtres-ouverts")
    assert page.erreurs_console == []


def test_codes_des_projets_sur_la_carte_la_liste_et_la_fiche(live_server, navigateur):
    donnees_carte()
    projet = Projet.objects.get(nom="Découverte des métiers à Saint-Lô")
    assert projet.code.startswith("50-")
    page = page_connectee(navigateur, live_server)
    page.goto(live_server.url + reverse("carte:carte"))
    page.wait_for_selector('#carte[data-nombre-marqueurs="5"]')
    carte_projet = page.locator(".carte-projet", has_text="Saint-Lô")
    expect(carte_projet.locator(".code-projet")).to_have_text(projet.code)
    page.goto(live_server.url + reverse("carte:liste"))
    expect(page.locator(".carte-projet", has_text="Saint-Lô").locator(".code-projet")).to_have_text(
        projet.code
    )
    page.goto(live_server.url + reverse("carte:fiche", args=[projet.pk]))
    expect(page.locator("main .code-projet").first).to_have_text(projet.code)
    expect(page).to_have_title(re.compile(re.escape(projet.code)))
    assert page.erreurs_console == []
