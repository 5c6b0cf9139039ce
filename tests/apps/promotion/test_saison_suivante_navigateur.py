"""La coordination, dans Chromium, publie la saison 2027 sur « 1 élève, 1 stage » : les
projets reconduits reprennent les offres nationales de 2026 (même code), la page dit
« reprise(s) », montre chaque projet 2027 publié, et l'API n'a aucune offre en double."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.promotion.models import PublicationNationale
from apps.promotion.publication import publier
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import UtilisateurFactory
from tests.apps.navigateur import capturer
from tests.apps.promotion.conftest import URL_SITE
from tests.apps.promotion.test_navigateur import lignes_des_projets
from tests.apps.promotion.test_saison_suivante import (
    SEMAINES_2027,
    ouvrir_2027,
    publier_les_copies,
)

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_la_saison_suivante_reprend_les_offres_depuis_la_page(
    live_server, navigateur, session_promo, settings, serveur, etat_api, fabrique_client
):
    ancienne, projets = session_promo
    assert publier(ancienne, fabrique_client(), URL_SITE).reussi
    codes = sorted(etat_api.offres)
    nouvelle = ouvrir_2027(ancienne)
    copies = publier_les_copies(projets, nouvelle)
    etat_api.semaines_obligatoires = tuple(SEMAINES_2027)
    settings.UN_ELEVE_UN_STAGE_API = serveur.url
    settings.UN_ELEVE_UN_STAGE_EMAIL = etat_api.email
    settings.UN_ELEVE_UN_STAGE_MOT_DE_PASSE = etat_api.mot_de_passe
    settings.URL_PUBLIQUE_DU_SITE = URL_SITE

    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("promotion:tableau"))
    expect(page.locator("h1")).to_contain_text(nouvelle.nom)
    for ligne in lignes_des_projets(page).all():
        expect(ligne.locator("td").nth(3)).to_have_text("Non")
    page.get_by_role("button", name="Publier / mettre à jour tout").click()

    expect(page.get_by_text("Envoi terminé. 0 offre(s) créée(s), 3 mise(s) à jour")).to_be_visible()
    resume = page.locator(".resume-envoi")
    expect(resume).to_contain_text(
        f"3 offre(s) d'une saison précédente reprise(s) (même code) : {', '.join(codes)}."
    )
    lignes = lignes_des_projets(page)
    expect(lignes).to_have_count(3)
    for ligne in lignes.all():
        expect(ligne.locator("td").nth(3)).to_have_text("Oui")
    # Aucune offre en double côté API ; chacune porte les semaines de 2027.
    assert sorted(etat_api.offres) == codes
    assert all(offre["weeks"] == SEMAINES_2027 for offre in etat_api.offres.values())
    assert {f.projet_id for f in PublicationNationale.objects.all()} == {c.pk for c in copies}
    assert page.erreurs_console == []
    capturer(page, "promotion-saison-suivante")
