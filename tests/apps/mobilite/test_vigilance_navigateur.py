"""Le porteur, dans Chromium, lit la vigilance « mobilité » de son projet une fois que la
coordination a téléversé le flux GTFS (le petit flux de tests/moteur/transport/flux.py) :
vrais trajets, lignes, jour signalé ; avant le flux, l'estimation est dite à vol d'oiseau."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import UtilisateurFactory
from tests.apps.mobilite.branchements import projet_sur_le_petit_flux
from tests.apps.navigateur import capturer
from tests.moteur.transport.flux import ecrire_flux

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_vigilance_du_porteur_avec_le_flux_televerse(live_server, navigateur, tmp_path):
    porteur = UtilisateurFactory(porteur=True)
    projet = projet_sur_le_petit_flux(gestionnaires=[porteur])
    page = page_connectee(navigateur, live_server, porteur)
    fiche = live_server.url + reverse("projets:detail", args=[projet.pk])
    page.goto(fiche)
    mobilite = page.locator("#vigilance li").filter(has_text="Mobilité des jeunes")
    expect(mobilite).to_contain_text("Estimation à vol d'oiseau, sans horaires")
    expect(mobilite).not_to_contain_text("en transport")
    expect(page.locator("#trajets-horaires")).to_have_count(0)

    # La coordination téléverse le flux et choisit le mardi 16 juin, 90 min au plus.
    coordination = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    coordination.goto(live_server.url + reverse("mobilite:flux", args=[projet.session.pk]))
    coordination.set_input_files("input[type=file]", str(ecrire_flux(tmp_path / "reseau.zip")))
    coordination.get_by_role("button", name="Téléverser et valider").click()
    expect(coordination.get_by_role("status")).to_contain_text("validé et enregistré")
    coordination.get_by_label("Jour des horaires utilisés pour les calculs").select_option(
        "2026-06-16"
    )
    coordination.get_by_label("Durée maximale du trajet (minutes)").fill("90")
    coordination.get_by_role("button", name="Enregistrer les réglages").click()
    expect(coordination.locator("#jour-utilise")).to_have_text("mardi 16/06/2026")

    page.goto(fiche)
    expect(mobilite.locator("h3 .etat")).to_have_text("À surveiller")
    expect(mobilite).to_contain_text(
        "Le 16/06, le groupe B ne peut pas aller de Usine X à Atelier Y pour 9 h"
    )
    tableau = page.locator("#trajets-horaires")
    expect(tableau.locator("li")).to_have_count(4)
    # Rendez-vous → Usine X : partir à 08:04, lignes 1 puis 2, arrivée 09:07 (66 min).
    ligne_x = tableau.locator("li").nth(1)
    expect(ligne_x).to_contain_text("Chaque jour : Point de rendez-vous → Usine X")
    expect(ligne_x).to_contain_text("départ 08:04, lignes 1 puis 2, arrivée 09:07 (66 min)")
    expect(ligne_x).to_contain_text("ligne 1 de Arrêt A (08:10) à Arrêt B (08:25)")
    impossible = tableau.locator("li.trajet-impossible")
    expect(impossible).to_have_count(1)
    expect(impossible).to_contain_text("Le 16/06, groupe B : Usine X → Atelier Y")
    expect(impossible).to_contain_text("pas à temps")
    expect(page.locator("#tableau-distances")).to_contain_text("(horaires)")
    expect(page.get_by_text("Trajets réels (horaires du mardi 16/06/2026)")).to_be_visible()
    capturer(page, "vigilance-mobilite-gtfs")


def test_couche_isochrone_sur_la_fiche_publique(live_server, navigateur, tmp_path):
    """Fiche publique d'un projet publié : les lycées atteignables en texte ET sur la carte."""
    from apps.projets.models import Projet
    from tests.apps.fabriques import EtablissementFactory
    from tests.apps.mobilite.branchements import televerser_le_petit_flux
    from tests.moteur.transport.flux import LON, lat

    projet = projet_sur_le_petit_flux(programme=False)
    Projet.objects.filter(pk=projet.pk).update(statut=Projet.Statut.PUBLIE)
    EtablissementFactory(nom="Lycée <b>O</b>", latitude=lat(0), longitude=LON)
    EtablissementFactory(nom="Lycée du sud", latitude=lat(-5000), longitude=LON)
    # Rendez-vous en O, arrivée 9 h : le lycée en O est à 0 m (0 min), celui du sud hors
    # d'atteinte (aucun arrêt à 1 km, rendez-vous à 5 km).
    televerser_le_petit_flux(projet.session, tmp_path)
    page = page_connectee(navigateur, live_server)
    page.goto(live_server.url + reverse("carte:fiche", args=[projet.pk]))
    expect(page.locator("#isochrone li")).to_have_text(["Lycée <b>O</b> — 0 min"])
    expect(page.locator("#carte-projet path.lycee-atteignant")).to_have_count(1)
    page.locator("#carte-projet path.lycee-atteignant").hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text("Lycée <b>O</b> — 0 min")
    capturer(page, "fiche-isochrone")
