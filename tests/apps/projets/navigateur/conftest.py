"""Tests de navigateur : Playwright pour Python pilotant le Chromium de Debian."""

from __future__ import annotations

import pytest

from tests.apps.navigateur import chromium_debian


@pytest.fixture(scope="module")
def chromium():
    with chromium_debian() as navigateur:
        yield navigateur


@pytest.fixture
def ouvrir(chromium, live_server):
    """`ouvrir(largeur)` : une page neuve ; ses erreurs de console (dont les violations de la
    CSP) et ses réponses ≥ 400 sont relevées dans `page.erreurs`."""
    contextes = []

    def _ouvrir(largeur: int = 1280):
        contexte = chromium.new_context(
            viewport={"width": largeur, "height": 900}, locale="fr-FR", base_url=live_server.url
        )
        contextes.append(contexte)
        page = contexte.new_page()
        page.set_default_timeout(15_000)
        erreurs: list[str] = []
        page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: erreurs.append(str(e)))
        page.on(
            "response",
            lambda r: (
                erreurs.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("favicon.ico")
                else None
            ),
        )
        page.erreurs = erreurs
        return page

    yield _ouvrir
    for contexte in contextes:
        contexte.close()


def se_connecter(page, identifiant: str, mot_de_passe: str) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant ou courriel").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
