"""Le parcours d'une structure d'accueil dans Chromium : de la connexion à son espace, puis
« qui vient quel jour » et la feuille de présence, jusqu'à la présence notée ; jamais le
programme en brouillon d'un porteur."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.campagnes.models import Session
from apps.conventions.models import Presence
from apps.planification.enregistrement_plan import enregistrer_plan
from apps.planification.enregistrement_session import enregistrer_session
from apps.projets.models import Projet
from apps.structures.models import StructureAccueil
from tests.apps.conftest import creer_communes
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    CreneauFactory,
    GroupeFactory,
    ProjetFactory,
    UtilisateurFactory,
)
from tests.apps.navigateur import capturer, contenu
from tests.moteur.documents_exemple import plan_exemple, session_exemple

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def connecter(page, base: str, utilisateur) -> None:
    page.goto(base + reverse("comptes:connexion"))
    page.fill("input[name=username]", utilisateur.username)
    page.fill("input[name=password]", MOT_DE_PASSE)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.fixture
def hopital():
    """La petite session d'exemple, résultats publiés : E1 et E2 (groupe A du projet P1)
    passent à l'Hôpital de Caen (S1) le lundi 15 juin ; un porteur a aussi placé chez elle
    le groupe de son brouillon « Projet secret du porteur »."""
    creer_communes(["14118"])
    donnees = session_exemple()
    session = enregistrer_session(donnees)
    enregistrer_plan(session, plan_exemple(donnees))
    Session.objects.filter(pk=session.pk).update(statut=Session.Statut.PUBLIEE)
    structure = StructureAccueil.objects.get(session=session, identifiant="S1")
    brouillon = ProjetFactory(session=session, nom="Projet secret du porteur")
    CreneauFactory(
        groupe=GroupeFactory(projet=brouillon, libelle="Z"),
        structure=structure,
        date=date(2026, 6, 16),
    )
    gestionnaire = UtilisateurFactory(structure=True, first_name="Hélène", last_name="Tutrice")
    structure.gestionnaires.add(gestionnaire)
    return structure, gestionnaire


def test_structure_de_son_espace_a_la_presence_notee(hopital, live_server, navigateur):
    structure, gestionnaire = hopital
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = contexte.new_page()
    connecter(page, live_server.url, gestionnaire)
    # Une seule structure : la connexion mène droit à sa fiche.
    expect(page.get_by_role("heading", level=1)).to_have_text("Hôpital de Caen")
    assert "Projet secret du porteur" not in contenu(page)
    expect(page.locator("#projets-structure")).to_contain_text("Découverte des métiers à Caen")

    page.get_by_role("link", name="Qui vient quel jour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Qui vient quel jour")
    lundi = page.locator("tr", has_text="lundi 15 juin")
    assert "Découverte des métiers à Caen — A" in lundi.inner_text()
    assert "Projet secret du porteur" not in contenu(page)
    capturer(page, "structure-qui-vient")

    page.get_by_role("link", name="Élèves attendus et feuille de présence").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Élèves attendus")
    jour = page.locator("section", has_text="lundi 15 juin 2026")
    ligne = jour.locator("tr", has_text="E1")
    ligne.get_by_role("button", name="Présent").click()
    page.wait_for_load_state()
    jour = page.locator("section", has_text="lundi 15 juin 2026")
    bouton = jour.locator("tr", has_text="E1").get_by_role("button", name="Présent")
    expect(bouton).to_have_attribute("aria-pressed", "true")
    capturer(page, "structure-feuille-de-presence")
    contexte.close()

    presence = Presence.objects.get(eleve__identifiant="E1", date=date(2026, 6, 15))
    assert presence.statut == Presence.Statut.PRESENT
    assert presence.structure == structure
    assert presence.saisie_par == gestionnaire
    assert Projet.objects.filter(nom="Projet secret du porteur", statut="brouillon").exists()
