"""Accès par rôle et par objet.

Règle de la maison :
- un visiteur anonyme est renvoyé vers la connexion ;
- un compte connecté dont le rôle n'ouvre pas l'espace reçoit 403 ;
- un objet hors du périmètre du compte (projet d'un autre porteur, fiche d'une autre
  structure) répond 404 : on ne révèle pas son existence.

Chaque app écrit sa fonction d'accès par type d'objet (`_projet_accessible(request, pk)`)
en s'appuyant sur `objet_ou_404` et sur la méthode `visibles_par`/`gerees_par` du queryset.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from apps.comptes.models import Role

M = TypeVar("M", bound=Model)
Vue = Callable[..., HttpResponse]


def a_le_role(utilisateur, *roles: str) -> bool:
    """Vrai pour la coordination (qui voit tout) ou un compte actif de l'un des rôles."""
    if not utilisateur.is_authenticated or not utilisateur.is_active:
        return False
    return utilisateur.est_coordinateur or utilisateur.role in roles


def role_requis(*roles: str) -> Callable[[Vue], Vue]:
    """Décorateur : connexion exigée, puis 403 si le rôle n'ouvre pas cet espace."""

    def decorateur(vue: Vue) -> Vue:
        @wraps(vue)
        def enveloppe(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not a_le_role(request.user, *roles):
                raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
            return vue(request, *args, **kwargs)

        return login_required(enveloppe)

    return decorateur


coordination_requise = role_requis(Role.COORDINATEUR)
porteur_requis = role_requis(Role.PORTEUR)
structure_requise = role_requis(Role.STRUCTURE)


def objet_ou_404(queryset: QuerySet[M], pk: object) -> M:
    """L'objet `pk` s'il est dans le périmètre `queryset`, sinon 404."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Cette page n'existe pas ou ne vous est pas accessible.") from None


def exiger(condition: bool, message: str) -> None:
    """403 avec un message affichable si `condition` est fausse."""
    if not condition:
        raise PermissionDenied(message)
