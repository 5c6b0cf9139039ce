"""Des tournées de signature complètes dans un vrai navigateur (Chromium de Debian) : par
les liens personnels reçus par courriel, et depuis les espaces connectés."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from apps.conventions import services, signatures
from apps.conventions.models import Convention
from apps.etablissements.models import Etablissement
from apps.projets.models import Porteur
from tests.apps.fabriques import MOT_DE_PASSE, UtilisateurFactory

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_tour_de_signature_dans_chromium(session_bd, live_server, navigateur) -> None:
    services.synchroniser(session_bd)
    convention = Convention.objects.get(eleve__identifiant="E2")
    # Le porteur n'a pas de courriel dans la session d'exemple : on lui en donne un.
    convention.version_courante().signatures.filter(cle="porteur").update(
        email="porteur@example.org"
    )
    envoyes = signatures.envoyer_liens(
        Convention.objects.filter(pk=convention.pk), live_server.url
    ).envoyes
    assert envoyes == 2
    liens = [re.search(r"https?://\S+", m.body).group(0) for m in mail.outbox]
    page = navigateur.new_page()
    for lien in liens:
        page.goto(lien)
        assert page.get_by_role("heading", level=1).inner_text().startswith("Convention de stage")
        page.get_by_label("Vos prénom et nom").fill("Camille Signataire")
        page.get_by_label(re.compile("J'ai lu la convention")).check()
        page.get_by_role("button", name="Signer la convention").click()
        page.wait_for_selector("#confirmation")
        expect(page.locator("#confirmation")).to_contain_text("Signature enregistrée")
    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.SIGNEE
    preuves = convention.version_courante().signatures.all()
    assert all(s.adresse_ip == "127.0.0.1" and "Chrome" in s.navigateur for s in preuves)


def _connecter(page, base: str, utilisateur) -> None:
    page.goto(base + reverse("comptes:connexion"))
    page.fill("input[name=username]", utilisateur.username)
    page.fill("input[name=password]", MOT_DE_PASSE)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()


def test_tournee_depuis_les_espaces_jusqu_a_signee(session_bd, live_server, navigateur) -> None:
    """Le chef d'établissement signe toutes les conventions de son lycée après revue, le
    porteur signe depuis son espace, le représentant légal par son lien : « Signée »."""
    Etablissement.objects.filter(uai="0141555P").update(email="chef@malherbe.example")
    porteur = Porteur.objects.get(projets__identifiant="P1")
    Porteur.objects.filter(pk=porteur.pk).update(email="signataire@porteur.example")
    chef = UtilisateurFactory(etablissement=True, first_name="Claire", last_name="Proviseure")
    Etablissement.objects.get(uai="0141555P").gestionnaires.add(chef)
    signataire = UtilisateurFactory(porteur=True, first_name="Jeanne", last_name="Présidente")
    porteur.gestionnaires.add(signataire)
    coordinateur = UtilisateurFactory(coordinateur=True)

    contexte = navigateur.new_context()
    page = contexte.new_page()
    _connecter(page, live_server.url, coordinateur)
    page.goto(live_server.url + reverse("conventions:tableau"))
    page.get_by_role("button", name="Mettre à jour depuis le plan").click()
    page.wait_for_selector("#avancement-etablissements")
    assert Convention.objects.count() == 2
    contexte.close()

    for compte, bouton in (
        (chef, re.compile(r"Signer les 2 conventions de Lycée Malherbe")),
        (signataire, re.compile(r"Signer les 2 conventions de Lycée Malherbe")),
    ):
        contexte = navigateur.new_context()
        page = contexte.new_page()
        _connecter(page, live_server.url, compte)
        page.goto(live_server.url + reverse("conventions:tableau"))
        page.locator("#lien-a-signer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Conventions à signer")
        expect(page.locator("#signature-lot tbody tr")).to_have_count(2)
        page.get_by_label("Vos prénom et nom").fill(compte.get_full_name())
        page.get_by_label(re.compile("J'ai relu les conventions")).check()
        page.get_by_role("button", name=bouton).click()
        page.wait_for_selector("#rien-a-signer")
        contexte.close()

    assert Convention.objects.get(eleve__identifiant="E2").statut == Convention.Statut.SIGNEE
    e1 = Convention.objects.get(eleve__identifiant="E1")
    assert e1.statut == Convention.Statut.A_SIGNER
    mail.outbox.clear()
    bilan = signatures.envoyer_liens(Convention.objects.filter(pk=e1.pk), live_server.url)
    assert bilan.envoyes == 1
    lien = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page = navigateur.new_page()
    page.goto(lien)
    page.get_by_label("Vos prénom et nom").fill("Paul Martin")
    page.get_by_label(re.compile("J'ai lu la convention")).check()
    page.get_by_role("button", name="Signer la convention").click()
    page.wait_for_selector("#confirmation")
    page.close()

    contexte = navigateur.new_context()
    page = contexte.new_page()
    _connecter(page, live_server.url, coordinateur)
    page.goto(live_server.url + reverse("conventions:tableau"))
    ligne = page.locator("#avancement-etablissements tbody tr").first
    assert "2 / 2" in ligne.inner_text()
    assert page.locator("#liste-conventions").inner_text().count("Signée") == 2
    contexte.close()
    e1.refresh_from_db()
    assert e1.statut == Convention.Statut.SIGNEE


def test_presence_au_clavier_le_choix_se_voit(session_bd, live_server, navigateur) -> None:
    """La structure note une absence au clavier (Tab puis Espace) ; le bouton choisi est
    « pressé » (aria-pressed) et se distingue sans la couleur (coche, bordure, graisse)."""
    from apps.structures.models import StructureAccueil

    s1 = StructureAccueil.objects.get(session=session_bd, identifiant="S1")
    compte = UtilisateurFactory(structure=True)
    s1.gestionnaires.add(compte)
    page = navigateur.new_page()
    _connecter(page, live_server.url, compte)
    page.goto(live_server.url + reverse("conventions:attendus", args=[s1.pk]))
    groupe = page.get_by_role("group", name="Présence de E2 le 18/06")
    groupe.get_by_role("button", name="Présent").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Absent"
    with page.expect_navigation():
        page.keyboard.press("Space")
    groupe = page.get_by_role("group", name="Présence de E2 le 18/06")
    absent = groupe.get_by_role("button", name=re.compile("Absent$"))
    present = groupe.get_by_role("button", name="Présent")
    expect(absent).to_have_attribute("aria-pressed", "true")
    expect(present).to_have_attribute("aria-pressed", "false")

    def style(bouton, propriete: str, pseudo: str = "") -> str:
        return bouton.evaluate(
            f"(b) => getComputedStyle(b, {pseudo!r} || null).getPropertyValue({propriete!r})"
        )

    assert style(absent, "content", "::before").startswith('"✓')
    assert style(present, "content", "::before") in ("none", "normal")
    assert style(absent, "font-weight") == "700" != style(present, "font-weight")
    assert style(absent, "border-top-width") == "3px"
    assert style(absent, "background-color") != style(present, "background-color")
    # Le choix persiste : l'autre élève du même jour reste sans choix.
    autre = page.get_by_role("group", name="Présence de E1 le 18/06")
    expect(autre.locator("[aria-pressed=true]")).to_have_count(0)
