"""Le porteur voit ce que voit le moteur : une structure en cause à l'étape 2, un échec
expliqué par structures et dates, la correction, puis la proposition et la soumission."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.projets.models import Projet
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    CommuneFactory,
    DepartementFactory,
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)
from tests.apps.navigateur import capturer
from tests.apps.projets.navigateur.conftest import se_connecter

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]
SEMAINE_1 = [f"2026-06-{j}" for j in (15, 16, 17, 18, 19)]


def test_porteur_corrige_ses_structures_grace_au_moteur(ouvrir):
    session = SessionFactory()
    laigle = CommuneFactory(nom="L'Aigle", departement=DepartementFactory(code="61"))
    structures = [
        StructureAccueilFactory(session=session, commune=laigle, nom=nom, accueil_max=6, jours=j)
        for nom, j in (("Fonderie de Rai", SEMAINE_1), ("Tréfilerie", SEMAINE_1), ("Bohin", []))
    ]
    StructureAccueilFactory(session=session, commune=laigle, nom="Logistique", accueil_max=8)
    porteur = UtilisateurFactory(porteur=True, username="porteur")
    projet = ProjetFactory(
        session=session,
        commune=laigle,
        nom="L'Aigle industrie",
        places=12,
        porteur=PorteurFactory(nom="CC des Pays de L'Aigle", gestionnaires=[porteur]),
        gestionnaires=[porteur],
        structures=structures,
        statut=Projet.Statut.BROUILLON,
        etape=Projet.Etape.PROGRAMME,
    )
    page = ouvrir()
    se_connecter(page, porteur.username, MOT_DE_PASSE)
    page.goto(f"/projets/{projet.pk}/structures/")
    assert page.locator("h1 .code-projet").inner_text() == projet.code
    moteur = page.locator("#ce-que-voit-le-moteur")
    assert "Le programme échouera avec ces structures." in moteur.inner_text()
    fonderie = page.locator("table.structures-retenues tbody tr").filter(
        has=page.locator("th", has_text="Fonderie de Rai")
    )
    assert "du 15/06 au 19/06 (5 jours)" in fonderie.inner_text()
    assert "En cause" in fonderie.inner_text()
    capturer(page, "porteur-2-structures-en-cause")

    page.goto(f"/projets/{projet.pk}/programme/")
    page.get_by_label("Nombre d'élèves à répartir").fill("10")
    page.get_by_role("button", name="Proposer un programme").click()
    erreur = page.locator(".message-error")
    texte = erreur.inner_text()
    assert "Aucun programme possible : Les 22/06, 23/06, 24/06, 25/06 et 26/06, 6 places " in (
        texte
    )
    assert "pour 10 élèves : Fonderie de Rai et Tréfilerie sont fermées." in texte
    assert (
        "À essayer : prévoir au plus 6 élèves, demander à Fonderie de Rai et Tréfilerie "
        "d'ouvrir ces jours-là" in texte
    )
    assert page.get_by_label("Nombre d'élèves à répartir").input_value() == "10"
    assert "Élèves supposés : " in texte and "hypothèse d'une seconde type" in texte
    assert not re.search(r"\(\d+(, \d+)*\)|projet \d+\b", texte)  # aucun identifiant
    capturer(page, "porteur-4-echec-explique")

    # La correction proposée : une structure ouverte la deuxième semaine.
    page.goto(f"/projets/{projet.pk}/structures/")
    page.get_by_label("Logistique", exact=True).check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/porteur/")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/programme/")
    page.get_by_label("Nombre d'élèves à répartir").fill("10")
    page.get_by_role("button", name="Proposer un programme").click()
    expect(page.locator(".message-success")).to_contain_text("Programme proposé : ")
    page.wait_for_load_state()
    assert page.locator("table.grille tbody tr").count() >= 2
    expect(page.locator("td.case-bloquant")).to_have_count(0)
    vigilance = page.locator("#vigilance").inner_text()
    assert "en supposant 15 ans" not in vigilance
    assert "Capacité d'accueil" in vigilance and "10 élèves" in vigilance
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    capturer(page, "porteur-4-proposition")

    page.get_by_label("Référent du groupe").fill("Nina Belesson")
    page.get_by_label("Téléphone du référent").fill("06 39 98 69 69")
    page.get_by_label("Outil pédagogique").fill("Film de 2 minutes")
    page.get_by_label("Temps de restitution prévu").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/soumission/")
    page.get_by_role("button", name="Soumettre à la coordination régionale").click()
    page.wait_for_selector("text=Projet soumis à la coordination régionale.")
    capturer(page, "porteur-fiche-soumise-avec-code")
    projet.refresh_from_db()
    assert projet.statut == Projet.Statut.SOUMIS
    assert projet.eleves_prevus == 10
    assert sum(g.taille_prevue for g in projet.groupes.all()) == 10
    assert page.locator("h1 .code-projet").inner_text() == projet.code
    assert page.erreurs == []
