"""Accès à la session en cours depuis les vues : une seule règle pour toutes les apps."""

from __future__ import annotations

from django.http import Http404

from apps.campagnes.models import Session

AUCUNE_SESSION = "Aucune session de stage n'est ouverte."


def session_active_ou_404(message: str = AUCUNE_SESSION) -> Session:
    """La session en cours, sinon une page 404 qui le dit en français."""
    session = Session.objects.active()
    if session is None:
        raise Http404(message)
    return session
