"""Page d'accueil : les projets publiés de la session active."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
