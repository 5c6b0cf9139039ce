"""Noms hostiles dans Chromium : les infobulles et fenêtres des cartes (Leaflet) affichent les
noms de projets, de structures et de lycées comme du TEXTE, jamais comme du HTML."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.projets.models import Projet
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import (
    CommuneFactory,
    EtablissementFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

HOSTILE = "<b>x</b><img src=x onerror=alert(1)>"

# Toute alerte ouverte par un script injecté est relevée (et refermée) par la page.
ECOUTE_ALERTES = "window.__alertes = []; window.alert = function (m) { window.__alertes.push(m); };"


def ouvrir(navigateur, live_server, url: str, utilisateur=None):
    page = page_connectee(navigateur, live_server, utilisateur)
    dialogues: list[str] = []
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    page.dialogues = dialogues
    page.add_init_script(ECOUTE_ALERTES)
    page.goto(live_server.url + url)
    return page


def verifier_texte_seul(page, selecteur: str) -> None:
    """L'infobulle ou la fenêtre montre le nom littéralement, sans balise interprétée."""
    bulles = page.locator(selecteur)
    bulles.last.wait_for()
    for i in range(bulles.count()):
        assert HOSTILE in bulles.nth(i).inner_text()
        expect(bulles.nth(i).locator("img")).to_have_count(0)
        expect(bulles.nth(i).locator("b")).to_have_count(0)


def aucune_injection(page) -> None:
    page.wait_for_timeout(300)  # laisse à un éventuel onerror le temps de s'exécuter
    assert page.dialogues == []
    assert page.evaluate("() => window.__alertes") == []
    expect(page.locator(".leaflet-container img[src='x']")).to_have_count(0)


def projet_hostile(session, **champs):
    commune = CommuneFactory(nom="Vire", latitude=48.84, longitude=-0.89)
    structure = StructureAccueilFactory(
        session=session, commune=commune, nom=HOSTILE, latitude=48.9, longitude=-0.8
    )
    return ProjetFactory(
        session=session,
        nom=HOSTILE,
        commune=commune,
        structures=[structure],
        statut=Projet.Statut.PUBLIE,
        **champs,
    )


def test_carte_publique_infobulle_et_fenetre_en_texte(live_server, navigateur):
    projet_hostile(SessionFactory())
    page = ouvrir(navigateur, live_server, reverse("carte:carte"))
    page.wait_for_selector('#carte[data-nombre-marqueurs="1"]')
    marqueur = page.locator("#carte path.leaflet-interactive").first
    marqueur.hover()
    verifier_texte_seul(page, "#carte .leaflet-tooltip")
    marqueur.click()
    verifier_texte_seul(page, "#carte .leaflet-popup-content")
    # Le nom est aussi le texte du lien de la fenêtre, qui mène à la fiche.
    lien = page.locator("#carte .leaflet-popup-content a")
    assert lien.inner_text() == HOSTILE
    aucune_injection(page)


def test_fiche_du_projet_infobulle_en_texte(live_server, navigateur):
    projet = projet_hostile(SessionFactory())
    page = ouvrir(navigateur, live_server, reverse("carte:fiche", args=[projet.pk]))
    page.locator("#carte-projet path.leaflet-interactive").first.hover()
    verifier_texte_seul(page, "#carte-projet .leaflet-tooltip")
    aucune_injection(page)


def test_couverture_infobulles_en_texte(live_server, navigateur):
    session = SessionFactory()
    projet_hostile(session)
    EtablissementFactory(nom=HOSTILE, commune=CommuneFactory(latitude=49.6, longitude=-1.6))
    page = ouvrir(
        navigateur,
        live_server,
        reverse("carte:couverture"),
        UtilisateurFactory(coordinateur=True),
    )
    marqueurs = page.locator("#carte-couverture path.leaflet-interactive")
    marqueurs.first.wait_for()
    expect(marqueurs).to_have_count(2)  # le projet et le lycée (les cercles de rayon sont inertes)
    for i in range(2):
        marqueurs.nth(i).hover()
        verifier_texte_seul(page, "#carte-couverture .leaflet-tooltip")
    aucune_injection(page)


def test_zone_du_projet_infobulles_en_texte(live_server, navigateur):
    porteur = UtilisateurFactory(porteur=True)
    projet = projet_hostile(SessionFactory(), gestionnaires=[porteur])
    Projet.objects.filter(pk=projet.pk).update(
        statut=Projet.Statut.BROUILLON, lieu_rendez_vous=HOSTILE
    )
    page = ouvrir(navigateur, live_server, reverse("projets:zone", args=[projet.pk]), porteur)
    page.wait_for_selector("#carte-zone[data-zoom]")
    points = page.locator("#carte-zone path.leaflet-interactive")
    expect(points).to_have_count(2)  # rendez-vous et structure (commune sans contour)
    for i in range(2):
        points.nth(i).hover()
        verifier_texte_seul(page, "#carte-zone .leaflet-tooltip")
    aucune_injection(page)
