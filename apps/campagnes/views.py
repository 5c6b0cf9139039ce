"""Vues de la coordination : ouvrir et configurer les sessions de stage."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.campagnes.forms import SessionForm
from apps.campagnes.models import Session
from apps.comptes.acces import coordination_requise, objet_ou_404


@require_GET
@coordination_requise
def liste(request: HttpRequest) -> HttpResponse:
    sessions = Session.objects.annotate(
        nb_projets=Count("projets", distinct=True), nb_eleves=Count("eleves", distinct=True)
    ).order_by("-date_debut", "-pk")
    return render(request, "campagnes/liste.html", {"sessions": sessions})


@require_http_methods(["GET", "POST"])
@coordination_requise
def ouvrir(request: HttpRequest) -> HttpResponse:
    return _formulaire(request, Session(), "Session ouverte.")


@require_http_methods(["GET", "POST"])
@coordination_requise
def configurer(request: HttpRequest, pk: int) -> HttpResponse:
    return _formulaire(request, objet_ou_404(Session.objects.all(), pk), "Session enregistrée.")


def _formulaire(request: HttpRequest, session: Session, succes: str) -> HttpResponse:
    formulaire = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and formulaire.is_valid():
        formulaire.save()
        messages.success(request, succes)
        return redirect("campagnes:liste")
    return render(
        request, "campagnes/formulaire.html", {"formulaire": formulaire, "session": session}
    )
