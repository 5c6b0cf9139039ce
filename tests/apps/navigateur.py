"""Le Chromium de Debian piloté par Playwright pour Python : un seul lancement pour tous les
tests de navigateur (`navigateur` dans tests/apps/conftest.py) et les captures d'écran."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Sans les options « background-networking », Chromium tente des connexions que le réseau
# fermé de la machine refuse.
ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DELAI_ATTENTE_MS = 20_000
CAPTURES = Path(__file__).resolve().parents[1] / "captures"
MESSAGE_CHROMIUM_ABSENT = (
    f"Chromium de Debian absent ({CHROMIUM}) : les tests de navigateur ne sautent jamais. "
    "Installez-le : « apt-get install -y chromium poppler-utils » (en root, `make test` "
    "l'installe lui-même)."
)


@contextmanager
def chromium_debian() -> Iterator:
    if not os.path.exists(CHROMIUM):
        pytest.fail(MESSAGE_CHROMIUM_ABSENT, pytrace=False)
    # live_server + Playwright synchrone : l'ORM est appelé depuis le fil de la boucle
    # d'événements de Playwright.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # 5 s par défaut : trop court pour une machine partagée et chargée (premier lancement
    # de Chromium, CI) ; une assertion qui réussit rend la main dès que c'est vrai.
    expect.set_options(timeout=DELAI_ATTENTE_MS)
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
        try:
            yield navigateur
        finally:
            navigateur.close()
            # Les appels à l'ORM faits sous Playwright (boucle d'événements, greenlet) ont
            # leur propre connexion : fermée ici, sinon PostgreSQL refuse de supprimer la
            # base de test à la fin (« accessed by other users »).
            from django.db import connections

            connections.close_all()


def capturer(page, nom: str) -> Path:
    CAPTURES.mkdir(parents=True, exist_ok=True)
    chemin = CAPTURES / f"{nom}.png"
    page.screenshot(path=str(chemin), full_page=True)
    return chemin


def contenu(page) -> str:
    """Le HTML de la page une fois chargée en entier : un clic rend la main dès que la
    navigation commence, et `page.content()` lu trop tôt rendrait vide une assertion
    « absent de la page »."""
    page.wait_for_load_state("load")
    return page.content()
