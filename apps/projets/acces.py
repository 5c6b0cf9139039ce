"""Accès aux projets : une fonction par usage (lecture, modification)."""

from __future__ import annotations

from django.http import HttpRequest

from apps.comptes.acces import exiger, objet_ou_404
from apps.projets.models import Projet


def projet_accessible(request: HttpRequest, pk: int) -> Projet:
    """Le projet s'il est visible par le compte (porteur : les siens ; coordination : tous),
    sinon 404."""
    projets = Projet.objects.visibles_par(request.user).select_related(
        "session", "porteur", "commune", "epci"
    )
    return objet_ou_404(projets, pk)


def peut_modifier(utilisateur, projet: Projet) -> bool:
    if utilisateur.est_coordinateur:
        return projet.statut != Projet.Statut.PUBLIE
    return projet.modifiable_par_porteur


def projet_modifiable(request: HttpRequest, pk: int) -> Projet:
    """Le projet s'il est visible ET modifiable (brouillon ou renvoyé), sinon 404 ou 403."""
    projet = projet_accessible(request, pk)
    exiger(
        peut_modifier(request.user, projet),
        "Ce projet est en cours de validation : il n'est plus modifiable.",
    )
    return projet
