"""Coordination régionale : valider (si aucun point bloquant), renvoyer avec motif, publier ;
jamais dans une session archivée (403)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.comptes.acces import coordination_requise
from apps.projets.acces import projet_decidable
from apps.projets.forms import RenvoiForm
from apps.projets.models import TransitionInterdite
from apps.projets.vigilance import points_de_vigilance
from moteur import vigilance as v


@coordination_requise
@require_POST
def valider(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_decidable(request, pk)
    points = points_de_vigilance(projet)
    echecs = v.bloquants(points)
    if echecs:
        titres = ", ".join(p.titre.lower() for p in echecs)
        messages.error(request, f"Validation impossible : points bloquants ({titres}).")
        return redirect("projets:detail", pk=projet.pk)
    try:
        projet.valider(request.user)
    except TransitionInterdite as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, f"« {projet.nom} » est validé. Publiez-le sur la carte.")
        for point in points:
            if point.code == "reconfirmation":
                messages.warning(request, f"À suivre : {point.raison}")
    return redirect("projets:detail", pk=projet.pk)


@coordination_requise
@require_POST
def renvoyer(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_decidable(request, pk)
    form = RenvoiForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez au porteur le motif du renvoi.")
        return redirect("projets:detail", pk=projet.pk)
    try:
        projet.renvoyer(form.cleaned_data["motif"])
    except TransitionInterdite as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, f"« {projet.nom} » est renvoyé au porteur.")
    return redirect("projets:detail", pk=projet.pk)


@coordination_requise
@require_POST
def publier(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_decidable(request, pk)
    try:
        projet.publier()
    except TransitionInterdite as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, f"« {projet.nom} » est publié sur la carte régionale.")
    return redirect("projets:detail", pk=projet.pk)
