"""Chaque rôle, connecté par le formulaire dans Chromium, arrive sur son espace (jamais sur
l'accueil public), y revient en un clic depuis n'importe quelle page, et chaque lien de sa
navigation ouvre une page qui lui répond (ni 403, ni 404, ni retour à la connexion)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from tests.apps.fabriques import (
    MOT_DE_PASSE,
    EtablissementFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)
from tests.apps.navigateur import capturer
from tests.apps.projets.navigateur.conftest import se_connecter

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

NAVIGATION = 'nav[aria-label="Navigation principale"]'
PUBLICS = ["Carte des projets", "Liste des projets"]


@dataclass(frozen=True)
class Attendu:
    titre: str  # début du titre principal de l'espace
    lien_espace: str  # le lien de la navigation qui y mène
    liens: tuple[str, ...]  # les liens propres au rôle, dans l'ordre


ATTENDUS = {
    "coordinateur": Attendu(
        "Projets de stage collectif",
        "Projets",
        (
            "Projets",
            "Structures",
            "Tableau de bord",
            "Couverture",
            "Affectation et programmes",
            "Sessions",
            "Établissements",
            "Conventions",
            "Où recruter ?",
            "Publication nationale",
            "Journal des accès",
        ),
    ),
    "porteur": Attendu(
        "Mes projets",
        "Mes projets",
        ("Mes projets", "Nouveau projet", "Conventions", "Conventions à signer"),
    ),
    "structure": Attendu("Atelier du bocage", "Ma structure", ("Ma structure",)),
    "etablissement": Attendu(
        "Mes établissements",
        "Mes élèves",
        ("Mes élèves", "Conventions", "Conventions à signer"),
    ),
}


def _compte(role: str):
    """Un compte du rôle, avec de quoi peupler son espace dans la session en cours."""
    session = SessionFactory(nom="Stages de seconde 2026")
    utilisateur = UtilisateurFactory(username=f"{role}-nav", **{role: True})
    if role == "porteur":
        ProjetFactory(session=session, gestionnaires=[utilisateur], nom="Vire multi")
    elif role == "structure":
        StructureAccueilFactory(
            session=session, nom="Atelier du bocage", gestionnaires=[utilisateur]
        )
    elif role == "etablissement":
        EtablissementFactory(nom="Lycée Marie Curie", gestionnaires=[utilisateur])
    return utilisateur


def _espace(role: str, utilisateur) -> str:
    if role == "structure":
        return reverse("structures:fiche", args=[utilisateur.structures.get().pk])
    if role == "etablissement":
        return reverse("etablissements:index")
    return reverse("projets:liste")


@pytest.mark.parametrize("role", sorted(ATTENDUS))
def test_chaque_role_arrive_sur_son_espace_et_sa_navigation_repond(navigateur, live_server, role):
    attendu = ATTENDUS[role]
    utilisateur = _compte(role)
    espace = _espace(role, utilisateur)
    contexte = navigateur.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=live_server.url
    )
    try:
        page = contexte.new_page()
        page.set_default_timeout(15_000)
        erreurs: list[str] = []
        page.on("pageerror", lambda e: erreurs.append(str(e)))

        # 1. Connexion par le formulaire : l'espace du rôle, pas l'accueil public.
        se_connecter(page, utilisateur.username, MOT_DE_PASSE)
        assert urlparse(page.url).path == espace, f"{role} arrive sur {page.url}"
        assert page.locator("h1").inner_text().startswith(attendu.titre)
        capturer(page, f"espace-{role}")

        # 2. La navigation : les liens publics, ceux du rôle, rien d'autre.
        liens = page.locator(f"{NAVIGATION} a")
        assert liens.all_inner_texts() == [*PUBLICS, *attendu.liens]

        # 3. En un clic depuis une autre page (la carte publique).
        page.goto(reverse("carte:carte"))
        page.locator(NAVIGATION).get_by_role("link", name=attendu.lien_espace, exact=True).click()
        page.wait_for_load_state()
        assert urlparse(page.url).path == espace

        # 4. Chaque lien du rôle ouvre une page qui lui répond.
        page.goto(espace)
        adresses = {
            nom: page.locator(NAVIGATION)
            .get_by_role("link", name=nom, exact=True)
            .get_attribute("href")
            for nom in attendu.liens
        }
        for nom, adresse in adresses.items():
            reponse = page.goto(adresse)
            assert reponse is not None and reponse.status == 200, f"{role} → {nom} : {reponse}"
            chemin = urlparse(page.url).path  # goto attend le chargement
            assert not chemin.startswith("/comptes/connexion"), f"{role} → {nom} : connexion"
        assert not erreurs, erreurs
    finally:
        contexte.close()
