"""Page d'accueil (les projets publiés de la session active) et pages d'erreur du site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404

from apps.campagnes.models import Session
from apps.projets.models import Projet


def accueil(request: HttpRequest) -> HttpResponse:
    session = Session.objects.active()
    projets = (
        Projet.objects.de_la_session(session)
        .publies()
        .select_related("commune", "commune__departement", "porteur")
        .order_by("commune__departement_id", "nom")
        if session
        else Projet.objects.none()
    )
    return render(request, "ui/accueil.html", {"session": session, "projets": projets})


# --- Pages d'erreur (handler400/403/404 de conf/urls.py ; 500.html sans contexte) ----------


def _message(exception: BaseException | None) -> str:
    """Le message français porté par l'exception, s'il y en a un (jamais une trace)."""
    if exception is None or not exception.args or not isinstance(exception.args[0], str):
        return ""
    return exception.args[0]


def erreur_400(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def erreur_403(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": _message(exception)}, status=403)


def erreur_404(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    # Resolver404 (adresse inconnue) porte un dictionnaire technique : on ne l'affiche pas.
    message = "" if isinstance(exception, Resolver404) else _message(exception)
    return render(request, "404.html", {"message": message}, status=404)
