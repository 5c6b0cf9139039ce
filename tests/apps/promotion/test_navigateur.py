"""La coordination, dans Chromium, sur la page de la publication nationale (`/promotion/`) :
sans identifiants, la page nomme les variables à régler et le bouton est désactivé ; avec
les identifiants (réglages du test vers le serveur de test de l'API v2, lancé par le test),
« Publier / mettre à jour tout » lance la tâche (immédiate en test) et la page montre
ensuite chaque projet publié nationalement, avec sa date."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as formater_date
from playwright.sync_api import expect

from apps.promotion.models import EnvoiNational, PublicationNationale
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import UtilisateurFactory
from tests.apps.navigateur import capturer, contenu
from tests.apps.promotion.conftest import URL_SITE

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

VARIABLES = ("UN_ELEVE_UN_STAGE_API", "UN_ELEVE_UN_STAGE_EMAIL", "UN_ELEVE_UN_STAGE_MOT_DE_PASSE")


@pytest.fixture
def sans_identifiants(settings, monkeypatch):
    for nom in VARIABLES:
        monkeypatch.delenv(nom, raising=False)
        if hasattr(settings, nom):
            delattr(settings, nom)


def lignes_des_projets(page):
    return page.get_by_role("table", name="Publication nationale par projet").locator("tbody tr")


def test_sans_identifiants_les_variables_sont_nommees_et_le_bouton_desactive(
    live_server, navigateur, session_promo, sans_identifiants
):
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("promotion:tableau"))

    alerte = page.get_by_role("alert")
    expect(alerte).to_contain_text("Publication nationale non configurée")
    for nom in VARIABLES:
        expect(alerte).to_contain_text(nom)
    expect(page.get_by_role("button", name="Publier / mettre à jour tout")).to_be_disabled()
    lignes = lignes_des_projets(page)
    expect(lignes).to_have_count(3)
    for ligne in lignes.all():
        expect(ligne.locator("td").nth(3)).to_have_text("Non")
        expect(ligne.locator("td").nth(4)).to_have_text("—")
    assert not EnvoiNational.objects.exists()
    assert page.erreurs_console == []
    capturer(page, "promotion-sans-identifiants")


def test_publier_tout_puis_chaque_projet_publie_avec_sa_date(
    live_server, navigateur, session_promo, settings, serveur, etat_api
):
    settings.UN_ELEVE_UN_STAGE_API = serveur.url
    settings.UN_ELEVE_UN_STAGE_EMAIL = etat_api.email
    settings.UN_ELEVE_UN_STAGE_MOT_DE_PASSE = etat_api.mot_de_passe
    settings.URL_PUBLIQUE_DU_SITE = URL_SITE
    _, projets = session_promo
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("promotion:tableau"))
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text(f"API : {serveur.url}")).to_be_visible()
    for ligne in lignes_des_projets(page).all():
        expect(ligne.locator("td").nth(3)).to_have_text("Non")

    bouton = page.get_by_role("button", name="Publier / mettre à jour tout")
    expect(bouton).to_be_enabled()
    bouton.click()

    expect(page.get_by_text("Envoi terminé. 3 offre(s) créée(s)")).to_be_visible()
    assert len(etat_api.offres) == 3
    assert sorted(o["remote_id"] for o in etat_api.offres.values()) == sorted(
        PublicationNationale.objects.values_list("remote_id", flat=True)
    )
    envoi = EnvoiNational.objects.get()
    assert envoi.statut == EnvoiNational.Statut.TERMINE
    expect(page.get_by_role("heading", name="Dernier envoi")).to_be_visible()
    expect(page.locator(".resume-envoi")).to_contain_text("3 offre(s) créée(s)")

    lignes = lignes_des_projets(page)
    expect(lignes).to_have_count(3)
    fiches = {f.projet_id: f for f in PublicationNationale.objects.all()}
    for projet in sorted(projets, key=lambda p: p.identifiant):
        fiche = fiches[projet.pk]
        assert fiche.publiee and fiche.publiee_le is not None
        quand = formater_date(timezone.localtime(fiche.publiee_le), "d/m/Y à H:i")
        ligne = lignes.filter(has_text=projet.nom)
        expect(ligne.locator("td").nth(3)).to_have_text("Oui")
        assert re.fullmatch(r"\d\d/\d\d/\d{4} à \d\d:\d\d", quand)
        expect(ligne.locator("td").nth(4)).to_have_text(quand)
        expect(ligne.locator("td").nth(5)).to_have_text("—")
    # Les identifiants du compte opérateur ne sont jamais dans la page.
    assert etat_api.mot_de_passe not in contenu(page)
    assert page.erreurs_console == []
    capturer(page, "promotion-publiee")
