"""L'adresse IP du client derrière un nombre connu de mandataires inverses de confiance.

Chaque mandataire ajoute à droite de `X-Forwarded-For` l'adresse de qui lui a parlé ; le
client, lui, peut y écrire n'importe quoi à gauche. Avec N mandataires de confiance
(`NOMBRE_PROXYS_DE_CONFIANCE`), l'adresse du client est donc la N-ième en partant de la
droite ; tout ce qui est plus à gauche est ignoré. Avec 0 (défaut), l'en-tête est ignoré et
l'adresse est REMOTE_ADDR.

Utilisée par django-axes (AXES_CLIENT_IP_CALLABLE) et par la preuve des signatures.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _adresse_valide(texte: str) -> str | None:
    texte = texte.strip()
    try:
        return str(ipaddress.ip_address(texte))
    except ValueError:
        return None


def adresse_ip_client(request: HttpRequest) -> str | None:
    """L'adresse IP du client, ou None si elle est inconnue."""
    directe = _adresse_valide(request.META.get("REMOTE_ADDR") or "")
    nombre = int(getattr(settings, "NOMBRE_PROXYS_DE_CONFIANCE", 0))
    if nombre <= 0:
        return directe
    entete = request.META.get("HTTP_X_FORWARDED_FOR", "")
    adresses = [a.strip() for a in entete.split(",") if a.strip()]
    if not adresses:
        # Requête arrivée sans passer par le mandataire (ou qui l'a retiré) : l'adresse vue.
        return directe
    # Moins d'entrées que de mandataires : la plus à gauche a été écrite par l'un d'eux.
    candidate = adresses[-nombre] if len(adresses) >= nombre else adresses[0]
    return _adresse_valide(candidate) or directe
