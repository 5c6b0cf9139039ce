"""La page « trop de tentatives » de django-axes (AXES_LOCKOUT_CALLABLE), dans la mise en page
du site, en français, avec l'en-tête Retry-After."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def reponse_blocage(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    secondes = int(settings.AXES_COOLOFF_TIME.total_seconds())
    reponse = render(
        request,
        "comptes/blocage.html",
        {"minutes": max(1, secondes // 60), "limite": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    reponse["Retry-After"] = str(secondes)
    return reponse
