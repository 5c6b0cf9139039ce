"""Grille de rotation éditable : une case (htmx, re-vérifiée en direct) ou toute la grille
(formulaire classique, sans JavaScript)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.comptes.acces import objet_ou_404, porteur_requis
from apps.projets import programme
from apps.projets.acces import projet_modifiable
from apps.projets.models import Groupe, Projet
from apps.projets.vigilance import points_de_vigilance
from apps.structures.models import StructureAccueil


def _jour(texte: str, projet: Projet) -> date | None:
    try:
        jour = date.fromisoformat(texte)
    except ValueError:
        return None
    return jour if jour in projet.session.jours_ouvres else None


def _structure(texte: str, projet: Projet) -> StructureAccueil | None:
    """La structure choisie (parmi celles du projet) ; None pour « aucune »."""
    if not texte:
        return None
    return objet_ou_404(projet.structures.all(), texte)


def contexte_vivant(projet: Projet) -> dict:
    lignes, jours = programme.grille(projet)
    return {
        "projet": projet,
        "lignes": lignes,
        "jours": jours,
        "options": list(projet.structures.order_by("nom")),
        "modifiable": True,
        "points": points_de_vigilance(projet),
    }


@porteur_requis
@require_POST
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """Change une case puis renvoie la grille et la vigilance recalculées (fragment)."""
    projet = projet_modifiable(request, pk)
    groupe = objet_ou_404(Groupe.objects.filter(projet=projet), request.POST.get("groupe"))
    jour = _jour(request.POST.get("jour", ""), projet)
    if jour is None:
        return HttpResponseBadRequest("Jour hors de la session.")
    champ = f"case-{groupe.pk}-{jour.isoformat()}"
    valeur = request.POST.get(champ, request.POST.get("structure", ""))
    programme.modifier_case(groupe, jour, _structure(valeur, projet))
    return render(request, "projets/_programme_vivant.html", contexte_vivant(projet))


@porteur_requis
@require_POST
def grille(request: HttpRequest, pk: int) -> HttpResponse:
    """Enregistre toute la grille (champs `case-<groupe>-<AAAA-MM-JJ>`)."""
    projet = projet_modifiable(request, pk)
    groupes = {str(g.pk): g for g in Groupe.objects.filter(projet=projet).order_by("pk")}
    with transaction.atomic():
        for nom, valeur in request.POST.items():
            if not nom.startswith("case-"):
                continue
            _, gid, texte = nom.split("-", 2)
            jour = _jour(texte, projet)
            if gid in groupes and jour is not None:
                programme.modifier_case(groupes[gid], jour, _structure(valeur, projet))
    messages.success(request, "Grille enregistrée.")
    return redirect("projets:programme", pk=projet.pk)
