"""Les parcours dans un vrai navigateur : porteur (5 étapes), coordination, structure."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.projets.models import Projet
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    CommuneFactory,
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)
from tests.apps.navigateur import capturer
from tests.apps.projets.navigateur.conftest import se_connecter

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_porteur_cinq_etapes_jusqu_a_la_soumission(ouvrir):
    session = SessionFactory()
    falaise = CommuneFactory(nom="Falaise")
    StructureAccueilFactory(
        session=session,
        commune=falaise,
        nom="Hôpital de Falaise",
        domaines="J",
        observation_seulement=True,
        accueil_max=5,
    )
    StructureAccueilFactory(
        session=session, commune=falaise, nom="Fonderie Normande", accueil_max=5
    )
    porteur = UtilisateurFactory(porteur=True, username="porteur")
    page = ouvrir()
    se_connecter(page, porteur.username, MOT_DE_PASSE)
    expect(page).to_have_url(re.compile(r"/projets/$"))

    page.get_by_role("link", name="Créer un projet").click()
    page.get_by_label("Nom").fill("Falaise : santé et industrie")
    page.get_by_label("Type").select_option("multi-secteurs")
    page.get_by_label("Places").fill("10")
    page.get_by_label("Commune du point de rendez-vous").fill(f"Falaise ({falaise.code})")
    page.get_by_label("Lieu de rendez-vous").fill("Gare routière")
    capturer(page, "porteur-1-zone")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.wait_for_url("**/structures/")
    page.get_by_label("Hôpital de Falaise").check()
    page.get_by_label("Fonderie Normande").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.wait_for_url("**/porteur/")
    page.get_by_label("Nom du nouveau porteur").fill("CC Pays de Falaise")
    capturer(page, "porteur-3-porteur")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.wait_for_url("**/programme/")
    page.get_by_role("button", name="Proposer un programme").click()
    page.wait_for_selector("table.grille")
    # Une case changée : la grille et la vigilance sont recalculées (htmx).
    premiere = page.locator("table.grille select").first
    autre = page.locator("table.grille tbody tr").nth(1).locator("select").first
    autre.select_option(premiere.input_value())
    page.wait_for_selector("text=10 élèves pour 5 places")
    capturer(page, "porteur-4-programme-conflit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.locator("table.grille tbody tr").nth(1).locator("select").first.select_option(
        label="Fonderie Normande"
        if "Hôpital" in premiere.locator("option:checked").inner_text()
        else "Hôpital de Falaise"
    )
    page.wait_for_selector("text=10 élèves pour 5 places", state="detached")
    page.get_by_label("Référent du groupe").fill("Ana Lopez")
    page.get_by_label("Téléphone du référent").fill("02 31 00 00 00")
    page.get_by_label("Outil pédagogique").fill("Film de 2 minutes")
    page.get_by_label("Temps de restitution prévu").check()
    capturer(page, "porteur-4-programme")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.wait_for_url("**/soumission/")
    capturer(page, "porteur-5-soumission")
    page.get_by_role("button", name="Soumettre à la coordination régionale").click()
    page.wait_for_selector("text=Projet soumis à la coordination régionale.")
    capturer(page, "porteur-fiche-soumise")
    projet = Projet.objects.get(nom="Falaise : santé et industrie")
    assert projet.statut == Projet.Statut.SOUMIS
    assert projet.groupes.count() == 2
    assert page.erreurs == []

    telephone = ouvrir(390)
    se_connecter(telephone, porteur.username, MOT_DE_PASSE)
    telephone.goto(f"/projets/{projet.pk}/")
    capturer(telephone, "porteur-fiche-telephone")
    largeur = telephone.evaluate("document.documentElement.scrollWidth")
    assert largeur <= 390
    assert telephone.erreurs == []


def test_coordination_valide_et_publie(ouvrir):
    session = SessionFactory()
    structures = StructureAccueilFactory.create_batch(2, session=session)
    projet = ProjetFactory(
        session=session,
        porteur=PorteurFactory(),
        structures=structures,
        nom="Vire multi",
        referent="Ana Lopez",
        referent_telephone="0231",
        outil_pedagogique="Reportage",
        restitution_prevue=True,
        statut="soumis",
        etape=5,
    )
    coordination = UtilisateurFactory(coordinateur=True, username="coordination")
    page = ouvrir()
    se_connecter(page, coordination.username, MOT_DE_PASSE)
    page.goto("/projets/?statut=soumis")
    page.get_by_role("link", name="Vire multi").click()
    capturer(page, "coordination-fiche-soumise")
    page.get_by_role("button", name="Valider le projet").click()
    page.wait_for_selector("text=est validé")
    page.get_by_role("button", name="Publier sur la carte").click()
    page.wait_for_selector("text=est publié sur la carte régionale")
    capturer(page, "coordination-publie")
    projet.refresh_from_db()
    assert projet.statut == Projet.Statut.PUBLIE
    page.goto("/")
    expect(page.get_by_role("link", name="Vire multi")).to_have_count(1)
    assert page.erreurs == []


def test_structure_remplit_sa_fiche(ouvrir):
    gestionnaire = UtilisateurFactory(structure=True, username="garage")
    structure = StructureAccueilFactory(
        gestionnaires=[gestionnaire], nom="Garage Martin", tuteur=""
    )
    page = ouvrir(390)
    se_connecter(page, gestionnaire.username, MOT_DE_PASSE)
    expect(page).to_have_url(re.compile(rf"/structures/{structure.pk}/$"))
    page.get_by_label("15/06").check()
    page.get_by_label("16/06").check()
    page.get_by_label("Élèves accueillis par jour (maximum)").fill("4")
    page.get_by_label("Tuteur", exact=True).fill("Yves Morel")
    page.get_by_label("I — Installation et maintenance").check()
    page.get_by_label("Consignes de sécurité").fill("Chaussures de sécurité fournies.")
    page.get_by_role("button", name="Enregistrer ma fiche").click()
    page.wait_for_selector("text=Fiche enregistrée")
    capturer(page, "structure-fiche-telephone")
    structure.refresh_from_db()
    assert structure.jours == ["2026-06-15", "2026-06-16"]
    assert structure.tuteur == "Yves Morel"
    assert set(structure.liste_domaines) == {"H", "I"}
    page.get_by_role("link", name="Qui vient quel jour").click()
    page.wait_for_selector("text=lundi 15 juin")
    assert page.erreurs == []
