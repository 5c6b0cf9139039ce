"""Le rapport à l'échelle de la démonstration (2 000 élèves, plus d'un millier de
non-placés) : pages paginées, aucune plus large que l'écran, dans Chromium."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.planification import demo, taches
from apps.planification.models import Travail
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import UtilisateurFactory
from tests.apps.navigateur import capturer

pytestmark = [pytest.mark.navigateur, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

PLUS_LARGE_QUE_L_ECRAN = (
    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
)


def test_rapport_de_la_demo(live_server, navigateur):
    session = demo.charger_demo(nb_eleves=2000).session
    travail = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    assert travail.etat == Travail.Etat.TERMINE, travail.message
    non_places = session.eleves.filter(affectation__projet__isnull=True).count()
    assert non_places > 50  # assez pour plusieurs pages
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    for nom, url in (
        ("demo-travail", reverse("planification:travail", args=[travail.pk])),
        ("demo-resultats", reverse("planification:resultats")),
    ):
        for largeur in (1280, 390):
            page.set_viewport_size({"width": largeur, "height": 900})
            debut = time.perf_counter()
            page.goto(live_server.url + url)
            print(f"{nom} à {largeur} px : {time.perf_counter() - debut:.2f} s")
            assert not page.evaluate(PLUS_LARGE_QUE_L_ECRAN), f"{nom} à {largeur} px"
            capturer(page, f"{nom}-{largeur}")
    lignes = page.get_by_role("table", name="Élèves non placés et leur raison").locator("tbody tr")
    expect(lignes).to_have_count(50)
    pages = -(-non_places // 50)
    expect(page.locator(".compte-non-places")).to_contain_text(f"page 1 sur {pages}")
    page.get_by_role("link", name="Page suivante").click()
    expect(page.locator(".compte-non-places")).to_contain_text(f"page 2 sur {pages}")
    assert page.erreurs_console == []
