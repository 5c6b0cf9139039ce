"""Accès aux projets : une fonction par usage (lecture, modification, décision).

Une session archivée se consulte seulement : toute écriture sur l'un de ses projets (parcours
du porteur, grille, décisions de la coordination) répond 403 avec le message français de
`SessionArchivee` ; la lecture reste permise."""

from __future__ import annotations

from django.http import HttpRequest

from apps.comptes.acces import exiger, objet_ou_404
from apps.projets.models import Projet


def projet_accessible(request: HttpRequest, pk: int) -> Projet:
    """Le projet s'il est visible par le compte (porteur : les siens ; coordination : tous),
    sinon 404."""
    projets = Projet.objects.visibles_par(request.user).select_related(
        "session", "porteur", "commune", "epci", "reconduit_de__session"
    )
    return objet_ou_404(projets, pk)


def peut_modifier(utilisateur, projet: Projet) -> bool:
    if projet.session.est_archivee:
        return False
    if utilisateur.est_coordinateur:
        return projet.statut != Projet.Statut.PUBLIE
    return projet.modifiable_par_porteur


def projet_modifiable(request: HttpRequest, pk: int) -> Projet:
    """Le projet s'il est visible ET modifiable (brouillon ou renvoyé, session non archivée),
    sinon 404 ou 403."""
    projet = projet_decidable(request, pk)
    exiger(
        peut_modifier(request.user, projet),
        "Ce projet est en cours de validation : il n'est plus modifiable.",
    )
    return projet


def projet_decidable(request: HttpRequest, pk: int) -> Projet:
    """Le projet visible dont la session n'est pas archivée (décisions de la coordination,
    écritures du parcours) ; sinon 404 ou 403 `SessionArchivee`."""
    projet = projet_accessible(request, pk)
    projet.session.verifier_modifiable()
    return projet
