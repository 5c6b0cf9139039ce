"""Ce que toutes les pages affichent : la période de la session en cours (pied de page).

Gardée dans le cache (aucune requête de plus par page) et recalculée dès qu'une session
est enregistrée ou supprimée (signaux branchés dans `UiConfig.ready`) ; au pire, une
modification faite sans signal (`QuerySet.update`) se voit au bout de `DUREE_S`."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest

from apps.campagnes.models import Session
from moteur.documents.textes import periode

CLE = "ui:periode-des-stages"
DUREE_S = 300


def periode_en_cours() -> str:
    """« du 15 au 26 juin 2026 » pour la session en cours, vide s'il n'y en a pas."""
    session = Session.objects.active()
    return "" if session is None else periode(session.date_debut, session.date_fin)


def retenir_periode(**_signal: Any) -> None:
    cache.set(CLE, periode_en_cours(), DUREE_S)


def session_du_site(request: HttpRequest) -> dict[str, str]:
    valeur = cache.get(CLE)
    if valeur is None:
        try:
            valeur = periode_en_cours()
        except DatabaseError:  # page d'erreur quand la base ne répond pas : sans la période
            return {"periode_des_stages": ""}
        cache.set(CLE, valeur, DUREE_S)
    return {"periode_des_stages": valeur}
