"""Contrôles des réglages de production : refuser de démarrer plutôt que de tourner mal réglé.

Fonctions pures (aucun réglage Django importé) : `conf/settings/prod.py` les appelle au
chargement, les tests les appellent directement. Chaque refus lève `ImproperlyConfigured`
avec un message en français qui dit quoi faire.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

LONGUEUR_MINIMALE_CLE = 50
CARACTERES_DISTINCTS_MINIMUM = 5
# La clé de développement et de test : publique (elle est dans le dépôt), donc refusée en
# production.
CLE_DE_DEVELOPPEMENT = "developpement-seulement-cle-publique-du-depot-jamais-en-production-2026"
# Toutes les clés qui ont été écrites dans le dépôt (anciennes valeurs de repli, exemples,
# bancs d'essai) : connues de tous, donc refusées en production. Le test
# `tests/test_reglages_production.py` vérifie que toute clé écrite dans le dépôt y figure
# ou serait refusée.
CLES_PUBLIEES = frozenset(
    {
        CLE_DE_DEVELOPPEMENT,
        "dev-seulement-a-changer-en-production",
        "changez-moi",
        "banc-de-charge-seulement",
    }
)
COMMANDE_GENERER_CLE = 'python3 -c "import secrets; print(secrets.token_urlsafe(64))"'
_CLE_DANS_UN_FICHIER = re.compile(r"^\s*#?\s*SECRET_KEY\s*=\s*[\"']?([^\"'\s#]+)", re.MULTILINE)


def cles_des_exemples(base: Path) -> set[str]:
    """Les valeurs de SECRET_KEY écrites dans `.env.example` (lignes commentées comprises)."""
    chemin = base / ".env.example"
    try:
        texte = chemin.read_text(encoding="utf-8")
    except OSError:
        return set()
    return {m.group(1) for m in _CLE_DANS_UN_FICHIER.finditer(texte)}


def verifier_cle_secrete(cle: str | None, base: Path) -> str:
    """Rend la clé si elle convient à la production, sinon lève ImproperlyConfigured."""
    if not cle or not cle.strip():
        raise ImproperlyConfigured(
            "Réglages de production : la variable d'environnement SECRET_KEY est absente ou "
            f"vide. Générez une clé secrète propre à ce serveur ({COMMANDE_GENERER_CLE}) et "
            "exportez-la (voir .env.example)."
        )
    if len(cle) < LONGUEUR_MINIMALE_CLE:
        raise ImproperlyConfigured(
            f"Réglages de production : SECRET_KEY ne fait que {len(cle)} caractères ; il en "
            f"faut au moins {LONGUEUR_MINIMALE_CLE} caractères. Générez-en une "
            f"({COMMANDE_GENERER_CLE})."
        )
    if cle in CLES_PUBLIEES or cle in cles_des_exemples(base):
        raise ImproperlyConfigured(
            "Réglages de production : SECRET_KEY est une clé publiée dans le dépôt du projet "
            "(exemple, développement ou tests) ; n'importe qui pourrait forger des liens de "
            f"signature. Générez une clé propre à ce serveur ({COMMANDE_GENERER_CLE})."
        )
    if cle.startswith("django-insecure-") or len(set(cle)) < CARACTERES_DISTINCTS_MINIMUM:
        raise ImproperlyConfigured(
            "Réglages de production : SECRET_KEY est trop prévisible (préfixe "
            "« django-insecure- » ou trop peu de caractères différents). Générez-en une "
            f"({COMMANDE_GENERER_CLE})."
        )
    return cle


def entier_positif(nom: str, defaut: int) -> int:
    """Un entier ≥ 0 lu dans l'environnement ; message clair sinon."""
    texte = os.environ.get(nom, "").strip()
    if not texte:
        return defaut
    try:
        valeur = int(texte)
    except ValueError:
        valeur = -1
    if valeur < 0:
        raise ImproperlyConfigured(
            f"Réglage {nom} : « {texte} » n'est pas un entier positif ou nul (voir .env.example)."
        )
    return valeur


def refuser_debug(debug: bool) -> None:
    if debug:
        raise ImproperlyConfigured(
            "Réglages de production : DEBUG=true est refusé (il afficherait le code, les "
            "réglages et des données personnelles à tout visiteur en cas d'erreur). Retirez "
            "DEBUG de l'environnement, ou utilisez conf.settings.dev sur votre poste."
        )


def verifier_courriel(use_tls: bool, use_ssl: bool) -> None:
    if use_tls and use_ssl:
        raise ImproperlyConfigured(
            "Réglages de courriel : EMAIL_USE_TLS et EMAIL_USE_SSL ne peuvent pas être vrais "
            "ensemble (STARTTLS sur le port 587, ou TLS implicite sur le port 465)."
        )
