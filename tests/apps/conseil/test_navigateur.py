"""La coordination, dans Chromium : trie les recommandations, lit la carte de la demande
(bulles en texte, jamais en HTML) et suit le lien vers le projet."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.apps.carte.navigateur import page_connectee
from tests.apps.conseil.donnees import NOM_PIEGE, session_avec_demande
from tests.apps.fabriques import UtilisateurFactory
from tests.apps.navigateur import capturer

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_ou_recruter_dans_chromium(live_server, navigateur):
    _session, projet = session_avec_demande()
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("conseil:index"))
    expect(page.get_by_role("heading", name="Où recruter ?")).to_be_visible()
    # La première recommandation : des places (une « nouveau projet » peut suivre selon les
    # codes des communes de fabrique, qui dépendent de l'ordre des tests).
    lignes = page.locator("#recommandations tbody tr")
    expect(lignes.first).to_contain_text("Places")
    expect(lignes.first.locator("td").nth(4)).to_have_text("2")

    # Tri : le tableau de pression se trie par la colonne « Places » (croissant puis décroissant).
    entete = page.locator("#pression-projets th").nth(1)
    page.locator("#pression-projets").get_by_role("button", name="Places").click()
    expect(entete).to_have_attribute("aria-sort", "ascending")
    page.locator("#pression-projets").get_by_role("button", name="Places").click()
    expect(entete).to_have_attribute("aria-sort", "descending")

    # Carte : un cercle par lycée ; la bulle dit le nom en texte, sans exécuter le piège.
    cercles = page.locator("#carte-demande path.lycee-demande")
    expect(cercles).to_have_count(2)
    cercles.first.click(force=True)
    bulle = page.locator(".leaflet-popup-content")
    expect(bulle).to_contain_text(NOM_PIEGE)
    expect(bulle.locator("img")).to_have_count(0)
    assert page.evaluate("window.piege") is None
    capturer(page, "conseil-ou-recruter")

    lignes.first.get_by_role("link").click()
    expect(page).to_have_url(live_server.url + reverse("projets:detail", args=[projet.pk]))
