"""Outils communs des tests de navigateur (Playwright + Chromium de Debian)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client


def page_connectee(navigateur, live_server, utilisateur=None, largeur: int = 1280):
    """Une page dont le contexte porte le cookie de session de `utilisateur` (s'il y en a)."""
    contexte = navigateur.new_context(viewport={"width": largeur, "height": 900}, locale="fr-FR")
    if utilisateur is not None:
        client = Client()
        client.force_login(utilisateur)
        contexte.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    page = contexte.new_page()
    erreurs: list[str] = []
    # Les ressources en échec sont relevées par leur réponse (la console ne dit pas laquelle).
    page.on(
        "console",
        lambda m: (
            erreurs.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            erreurs.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: erreurs.append(str(e)))
    page.erreurs_console = erreurs
    return page
