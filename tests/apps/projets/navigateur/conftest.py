"""Tests de navigateur : Playwright pour Python pilotant le Chromium de Debian."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# live_server + Playwright synchrone : l'ORM est appelé depuis le fil de la boucle d'événements.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CAPTURES = Path(__file__).resolve().parents[3] / "captures"


@pytest.fixture(scope="module")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium de Debian absent : apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
        yield navigateur
        navigateur.close()


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


def capturer(page, nom: str) -> Path:
    CAPTURES.mkdir(parents=True, exist_ok=True)
    chemin = CAPTURES / f"{nom}.png"
    page.screenshot(path=str(chemin), full_page=True)
    return chemin


def se_connecter(page, identifiant: str, mot_de_passe: str) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant ou courriel").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
