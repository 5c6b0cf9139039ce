"""La saison suivante dans Chromium, rôle par rôle, jusqu'à l'état attendu : les structures
répondent après la session, la coordination ouvre la saison suivante et archive l'ancienne,
la structure qui a dit oui reconfirme sa fiche reprise, le porteur retrouve son projet en
brouillon."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.campagnes.models import Session
from apps.projets.models import Projet
from apps.structures.models import AccueilSuivant, StructureAccueil
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)
from tests.apps.navigateur import capturer

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def saison_passee():
    """Juin 2026 (terminée) : « Vire multi-secteurs », publié, chez Garage Morel et Forge
    Lenoir ; chacune a son compte, le porteur aussi."""
    session = SessionFactory(nom="Stages collectifs de seconde 2026", statut="publiee")
    garage_compte = UtilisateurFactory(structure=True)
    forge_compte = UtilisateurFactory(structure=True)
    garage = StructureAccueilFactory(
        session=session,
        nom="Garage Morel",
        accueil_max=6,
        jours=["2026-06-16"],
        gestionnaires=[garage_compte],
    )
    forge = StructureAccueilFactory(
        session=session, nom="Forge Lenoir", gestionnaires=[forge_compte]
    )
    porteur_compte = UtilisateurFactory(porteur=True)
    ProjetFactory(
        session=session,
        identifiant="P-VIRE",
        nom="Vire multi-secteurs",
        statut=Projet.Statut.PUBLIE,
        porteur=PorteurFactory(gestionnaires=[porteur_compte]),
        structures=[garage, forge],
    )
    return session, garage_compte, forge_compte, porteur_compte


def _page(navigateur, base: str, utilisateur, largeur: int = 1280):
    contexte = navigateur.new_context(
        locale="fr-FR", base_url=base, viewport={"width": largeur, "height": 900}
    )
    page = contexte.new_page()
    page.goto(reverse("comptes:connexion"))
    page.fill("input[name=username]", utilisateur.username)
    page.fill("input[name=password]", MOT_DE_PASSE)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
    return contexte, page


def _repondre(navigateur, base: str, compte, reponse: str, remarque: str = "") -> None:
    contexte, page = _page(navigateur, base, compte, largeur=390)
    question = page.locator("#saison-suivante")
    question.get_by_label(reponse, exact=True).check()
    if remarque:
        question.get_by_label(re.compile("Une précision")).fill(remarque)
    question.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Réponse enregistrée. Merci !")
    assert reponse in page.locator("#saison-suivante strong").inner_text()
    capturer(page, f"structure-saison-suivante-{reponse.lower()}")
    contexte.close()


def test_saison_suivante_de_bout_en_bout(saison_passee, live_server, navigateur):
    ancienne, garage_compte, forge_compte, porteur_compte = saison_passee
    base = live_server.url

    # 1. Après la session, chaque structure répond depuis son espace (téléphone).
    _repondre(navigateur, base, garage_compte, "Oui", "4 élèves au plus")
    _repondre(navigateur, base, forge_compte, "Non")

    # 2. La coordination ouvre la saison suivante et archive l'ancienne.
    coordinateur = UtilisateurFactory(coordinateur=True)
    contexte, page = _page(navigateur, base, coordinateur)
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_role("link", name="Préparer la saison suivante").click()
    reprise = page.locator("#reprise").inner_text()
    assert "« oui » 1, sans réponse 0, « non » 1" in reprise
    assert page.get_by_label("Nom").input_value() == "Stages collectifs de seconde 2027"
    page.get_by_label(re.compile("Jours fériés")).fill("2027-06-17")
    page.get_by_label("Date annoncée des résultats").fill("2027-05-20")
    page.get_by_label(re.compile("Distance maximale")).fill("30")
    expect(page.get_by_label(re.compile("Archiver « Stages collectifs"))).to_be_checked()
    page.get_by_role("button", name="Ouvrir la saison suivante").click()
    page.wait_for_load_state()
    messages = page.locator(".messages").inner_text()
    assert "Session « Stages collectifs de seconde 2027 » ouverte." in messages
    assert "1 projet copié en brouillon" in messages
    assert "1 structure non reprise (réponse « non ») : Forge Lenoir." in messages
    ligne = page.locator("#sessions tbody tr", has_text="15/06/2026")
    assert "Archivée le" in ligne.inner_text()
    capturer(page, "coordination-saison-suivante")
    # L'ancienne session se consulte seulement.
    ligne.get_by_role("link", name="Stages collectifs de seconde 2026").click()
    expect(page.locator("#session-archivee")).to_contain_text("elle se consulte seulement")
    expect(page.get_by_label("Nom")).to_be_disabled()
    expect(page.get_by_role("button", name="Enregistrer")).to_have_count(0)
    contexte.close()

    nouvelle = Session.objects.get(nom="Stages collectifs de seconde 2027")
    assert Session.objects.active() == nouvelle
    assert nouvelle.jours_feries == ["2027-06-17"]
    ancienne.refresh_from_db()
    assert ancienne.est_archivee

    # 3. Le garage reconfirme sa fiche reprise dans la nouvelle saison.
    contexte, page = _page(navigateur, base, garage_compte)
    page.locator("#liste-structures tr", has_text="Stages collectifs de seconde 2027").get_by_role(
        "link", name="Garage Morel"
    ).click()
    expect(page.locator("#a-reconfirmer")).to_contain_text("Fiche reprise de la saison précédente")
    # Mardi 16 juin 2026 → mardi 15 juin 2027.
    expect(page.get_by_label("15/06")).to_be_checked()
    page.get_by_label(re.compile("élèves accueillis par jour", re.IGNORECASE)).fill("4")
    page.get_by_role("button", name="Confirmer ma fiche").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Fiche enregistrée")
    expect(page.locator("#a-reconfirmer")).to_have_count(0)
    contexte.close()
    garage = StructureAccueil.objects.get(session=nouvelle, nom="Garage Morel")
    assert (garage.accueil_max, garage.a_reconfirmer, garage.jours) == (4, False, ["2027-06-15"])
    assert not StructureAccueil.objects.filter(session=nouvelle, nom="Forge Lenoir").exists()
    assert StructureAccueil.objects.get(session=ancienne, nom="Garage Morel").accueil_suivant == (
        AccueilSuivant.OUI
    )

    # 4. Le porteur retrouve son projet, en brouillon dans la nouvelle saison.
    contexte, page = _page(navigateur, base, porteur_compte)
    page.goto(reverse("projets:liste"))
    expect(page.locator("main")).to_contain_text("Vire multi-secteurs")
    contexte.close()
    copie = Projet.objects.get(session=nouvelle, identifiant="P-VIRE")
    assert copie.statut == Projet.Statut.BROUILLON
    assert list(copie.structures.all()) == [garage]
