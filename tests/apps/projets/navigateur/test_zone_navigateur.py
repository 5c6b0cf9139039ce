"""Étape 1 du parcours porteur : la carte Leaflet de la zone, dans Chromium, sous la CSP
stricte (aucune tuile : le contour de la commune ou de l'EPCI vient de la base)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.apps.fabriques import (
    MOT_DE_PASSE,
    CommuneFactory,
    EpciFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)
from tests.apps.navigateur import capturer
from tests.apps.projets.navigateur.conftest import se_connecter

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

# Relève les violations de la politique de sécurité du contenu avant tout script de la page.
ECOUTE_CSP = """
window.__violationsCsp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violationsCsp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def carre(lat: float, lon: float, d: float) -> str:
    anneau = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    return json.dumps({"type": "Polygon", "coordinates": [[*anneau, anneau[0]]]})


def ouvrir_zone(ouvrir, projet, porteur):
    page = ouvrir()
    page.add_init_script(ECOUTE_CSP)
    se_connecter(page, porteur.username, MOT_DE_PASSE)
    reponse = page.goto(f"/projets/{projet.pk}/zone/")
    assert "script-src 'self'" in reponse.headers["content-security-policy"]
    return page


@pytest.mark.parametrize("zone_epci", [True, False], ids=["epci", "commune"])
def test_carte_de_la_zone_dessinee_sous_la_csp(ouvrir, zone_epci):
    session = SessionFactory()
    epci = EpciFactory(nom="Pays de Falaise", contour=carre(48.9, -0.2, 0.12))
    falaise = CommuneFactory(
        nom="Falaise", latitude=48.9, longitude=-0.2, epci=epci, contour=carre(48.9, -0.2, 0.04)
    )
    structures = [
        StructureAccueilFactory(session=session, commune=falaise, nom=nom, longitude=-0.2 + d)
        for nom, d in (("Hôpital de Falaise", 0.01), ("Fonderie Normande", -0.02))
    ]
    porteur = UtilisateurFactory(porteur=True, username="porteur-zone")
    projet = ProjetFactory(
        session=session,
        nom="Falaise : santé et industrie",
        commune=falaise,
        epci=epci if zone_epci else None,
        structures=structures,
        gestionnaires=[porteur],
        etape=2,
    )
    page = ouvrir_zone(ouvrir, projet, porteur)

    carte = page.locator("#carte-zone")
    page.wait_for_selector("#carte-zone[data-zoom]")
    # Le contour (polygone rempli) puis le rendez-vous et les deux structures (cercles).
    expect(carte.locator("svg path.leaflet-interactive")).to_have_count(1 + 1 + 2)
    boite = carte.bounding_box()
    assert boite["height"] > 200 and boite["width"] > 200
    contour = carte.locator("svg path.leaflet-interactive").first.bounding_box()
    assert contour["width"] > 50 and contour["height"] > 50  # cadré sur la zone
    expect(carte.locator("img.leaflet-tile")).to_have_count(0)  # aucune tuile
    # Rendez-vous et structures se distinguent (couleurs de remplissage différentes).
    remplissages = carte.locator("svg path.leaflet-interactive").evaluate_all(
        "chemins => chemins.map(c => c.getAttribute('fill'))"
    )
    assert {"#0b4f9c", "#f0a030"} <= set(remplissages)
    capturer(page, f"porteur-1-zone-carte-{'epci' if zone_epci else 'commune'}")

    # Un clic sur la carte déplace le point de rendez-vous dans le formulaire.
    avant = page.get_by_label("Latitude").input_value()
    carte.click(position={"x": boite["width"] - 30, "y": boite["height"] - 30})
    expect(page.get_by_label("Latitude")).not_to_have_value(avant)

    assert page.evaluate("window.__violationsCsp") == []
    assert page.erreurs == []


def test_carte_de_la_zone_sans_contour_ni_structure(ouvrir):
    """Commune sans contour en base : la carte se cadre sur le seul point de rendez-vous."""
    session = SessionFactory()
    porteur = UtilisateurFactory(porteur=True, username="porteur-point")
    projet = ProjetFactory(
        session=session, commune=CommuneFactory(contour=""), gestionnaires=[porteur], etape=2
    )
    page = ouvrir_zone(ouvrir, projet, porteur)
    carte = page.locator("#carte-zone")
    page.wait_for_selector("#carte-zone[data-zoom]")
    expect(carte.locator("svg path.leaflet-interactive")).to_have_count(1)
    assert 0 < float(carte.get_attribute("data-zoom")) <= 15
    assert page.evaluate("window.__violationsCsp") == []
    assert page.erreurs == []
