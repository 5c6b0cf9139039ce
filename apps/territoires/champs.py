"""Champs de formulaire partagés : la commune saisie au clavier (nom ou code INSEE), avec
des suggestions servies par `territoires:communes` (datalist, pas de liste de 2 600 options)."""

from __future__ import annotations

import re

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.territoires.models import Commune

CODE_INSEE = re.compile(r"\b(\d[0-9AB]\d{3})\b")


def libelle_commune(commune: Commune) -> str:
    return f"{commune.nom} ({commune.code})"


class CommuneField(forms.CharField):
    """« Falaise (14258) », « 14258 » ou « Falaise » (si le nom est unique en Normandie)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "help_text", "Tapez le nom puis choisissez dans la liste, ou le code INSEE."
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(
            {"list": "communes-suggestions", "autocomplete": "off", "data-suggestions": "communes"}
        )

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return libelle_commune(value)
        if isinstance(value, str) and re.fullmatch(r"\d[0-9AB]\d{3}", value):
            commune = Commune.objects.filter(code=value).first()
            return libelle_commune(commune) if commune else value
        return value

    def clean(self, value):
        texte = super().clean(value)
        if not texte:
            return None
        code = CODE_INSEE.search(texte)
        if code:
            commune = Commune.objects.filter(code=code.group(1)).first()
        else:
            trouvees = list(Commune.objects.normandes().filter(nom__iexact=texte.strip())[:2])
            if len(trouvees) > 1:
                raise forms.ValidationError(
                    "Plusieurs communes portent ce nom : choisissez-la dans la liste."
                )
            commune = trouvees[0] if trouvees else None
        if commune is None:
            raise forms.ValidationError("Commune introuvable : choisissez-la dans la liste.")
        return commune


@require_GET
def suggestions_communes(request: HttpRequest) -> HttpResponse:
    """Options du datalist des communes (fragment htmx), 20 au plus."""
    texte = request.GET.get("q", "").strip()
    communes = Commune.objects.none()
    if len(texte) >= 2:
        communes = (
            Commune.objects.normandes()
            .filter(nom__istartswith=texte)
            .order_by("-population", "nom")[:20]
        )
    return render(request, "territoires/_suggestions_communes.html", {"communes": communes})
