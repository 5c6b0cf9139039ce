"""Un établissement dépose son fichier d'élèves dans Chromium : refus localisé, puis succès."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.campagnes.models import Session
from apps.etablissements.models import Eleve
from apps.projets.models import Projet
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import (
    EtablissementFactory,
    ProjetFactory,
    SessionFactory,
    UtilisateurFactory,
)
from tests.apps.navigateur import capturer

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

ENTETE = "id;uai;date_naissance;genre;commune_insee;latitude;longitude;voeux;boursier"


def test_depot_d_un_fichier_d_eleves(live_server, navigateur, tmp_path):
    session = SessionFactory(statut=Session.Statut.VOEUX)
    compte = UtilisateurFactory(etablissement=True)
    EtablissementFactory(uai="0141555P", nom="Lycée Malherbe", gestionnaires=[compte])
    for ident in ("P01", "P02"):
        ProjetFactory(session=session, identifiant=ident, statut=Projet.Statut.PUBLIE)
    mauvais = tmp_path / "eleves.csv"
    mauvais.write_text(
        f"{ENTETE}\nE1;0141555P;14/03/2010;F;;;;P01;1\nE2;0141555P;2010-01-02;M;;49,18;;P07;0\n",
        encoding="utf-8",
    )
    bon = tmp_path / "eleves-corrige.csv"
    bon.write_text(
        f"{ENTETE}\nE1;0141555P;2010-03-14;F;;;;P01|P02;1\n"
        "E2;0141555P;2010-01-02;M;;49,18;-0,37;P02;0\n",
        encoding="cp1252",
    )

    page = page_connectee(navigateur, live_server, compte)
    page.goto(live_server.url + reverse("etablissements:index"))
    page.get_by_role("link", name="Déposer un fichier d'élèves et de vœux").click()
    page.get_by_label("Fichier des élèves").set_input_files(str(mauvais))
    page.get_by_role("button", name="Déposer").click()
    alerte = page.get_by_role("alert")
    texte = alerte.inner_text()
    assert "n'a pas été enregistré" in texte
    assert "date_naissance" in texte and "AAAA-MM-JJ" in texte
    assert "P07" in texte
    assert Eleve.objects.count() == 0
    capturer(page, "depot-refuse")

    page.get_by_label("Fichier des élèves").set_input_files(str(bon))
    page.get_by_role("button", name="Déposer").click()
    page.wait_for_selector(".messages")
    expect(page.locator(".messages")).to_contain_text("2 élève(s) ajouté(s)")
    expect(page.locator("main")).to_contain_text("2 élèves inscrits")
    page.get_by_role("link", name="Lycée Malherbe").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    capturer(page, "depot-reussi")
    # seule « erreur » attendue : le refus du premier fichier (400)
    assert [e.split(" ")[0] for e in page.erreurs_console] == ["400"]
    # Sans motif, le domicile donné (49,18 ; -0,37) est ramené au centre de sa commune.
    e2 = Eleve.objects.select_related("commune").get(identifiant="E2")
    assert (e2.latitude, e2.longitude) == (e2.commune.latitude, e2.commune.longitude)
    assert e2.motif_position_precise == ""


def test_reglages_puis_depot_dont_les_voeux_sont_des_codes(live_server, navigateur, tmp_path):
    """Le chef d'établissement renseigne son nom et son courriel de signataire (une erreur
    d'abord), puis dépose un fichier dont les vœux citent les codes des projets."""
    session = SessionFactory(statut=Session.Statut.VOEUX)
    compte = UtilisateurFactory(etablissement=True)
    lycee = EtablissementFactory(
        uai="0141555P",
        nom="Lycée Malherbe",
        gestionnaires=[compte],
        chef_etablissement="",
        email="",
    )
    industrie = ProjetFactory(
        session=session, code="14-027", nom="Industrie du Bocage", statut=Projet.Statut.PUBLIE
    )
    sante = ProjetFactory(session=session, code="61-025", statut=Projet.Statut.PUBLIE)
    fichier = tmp_path / "eleves.csv"
    fichier.write_text(
        f"{ENTETE}\nE1;0141555P;2010-03-14;F;;;;14-027|61-025;1\n"
        "E2;0141555P;2010-01-02;M;;;; 61-025 ;0\nE3;0141555P;2010-01-02;M;;;;61-999;0\n",
        encoding="utf-8",
    )

    page = page_connectee(navigateur, live_server, compte)
    page.goto(live_server.url + reverse("etablissements:index"))
    expect(page.locator("main")).to_contain_text("signataire des conventions à renseigner")
    page.get_by_role("link", name="Réglages de l'établissement 0141555P").click()
    page.get_by_label("Nom du chef d'établissement").fill("Mme Claire Martin, proviseure")
    page.get_by_label("Courriel du chef d'établissement").fill("proviseure@")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    assert "1 erreur" in page.get_by_role("alert").inner_text()
    courriel = page.get_by_label("Courriel du chef d'établissement")
    expect(courriel).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main")).to_contain_text("Saisissez une adresse de courriel valide")
    capturer(page, "etablissement-reglages-erreur")
    page.get_by_label("Courriel du chef d'établissement").fill("ce.0141555p@ac-normandie.fr")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    page.wait_for_selector(".messages")
    expect(page.locator(".messages")).to_contain_text("Réglages enregistrés")
    expect(page.locator("main")).to_contain_text(
        "Mme Claire Martin, proviseure (ce.0141555p@ac-normandie.fr)"
    )
    lycee.refresh_from_db()
    assert (lycee.chef_etablissement, lycee.email) == (
        "Mme Claire Martin, proviseure",
        "ce.0141555p@ac-normandie.fr",
    )

    page.get_by_role("link", name="Déposer un fichier").click()
    page.get_by_label("Fichier des élèves").set_input_files(str(fichier))
    page.get_by_role("button", name="Déposer").click()
    refus = page.get_by_role("alert").inner_text()
    assert "code de projet « 61-999 » inconnu dans la session" in refus
    assert "voeux" in refus and "4" in refus  # la colonne et la ligne du problème
    assert Eleve.objects.count() == 0  # tout ou rien

    fichier.write_text(fichier.read_text(encoding="utf-8").replace("61-999", "14-027"))
    page.get_by_label("Fichier des élèves").set_input_files(str(fichier))
    page.get_by_role("button", name="Déposer").click()
    page.wait_for_selector(".messages")
    expect(page.locator(".messages")).to_contain_text("3 élève(s) ajouté(s)")
    page.get_by_role("link", name="Lycée Malherbe").click()
    ligne = page.locator("#eleves tbody tr", has_text="E1")
    assert "14-027 Industrie du Bocage" in " ".join(ligne.inner_text().split())
    capturer(page, "etablissement-depot-par-codes")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    e1 = Eleve.objects.get(identifiant="E1")
    assert list(e1.voeux.order_by("rang").values_list("projet", flat=True)) == [
        industrie.pk,
        sante.pk,
    ]
    assert [e.split(" ")[0] for e in page.erreurs_console] == ["400"]  # le premier dépôt
