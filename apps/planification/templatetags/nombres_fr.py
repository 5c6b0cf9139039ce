"""Filtres de gabarit : nombres et pourcentages à la française, textes du moteur relus.

`{% load nombres_fr %}` puis `{{ n|nombre }}` (`1 234`), `{{ t|pourcent }}` (`16,9 %`),
`{{ raison|texte_fr }}` (« vœu », virgule décimale)."""

from __future__ import annotations

from django import template

from apps.planification import rapports

register = template.Library()


@register.filter
def nombre(valeur: float | int | None, decimales: int = 0) -> str:
    return rapports.nombre_fr(valeur, int(decimales))


@register.filter
def pourcent(valeur: float | None, decimales: int = 1) -> str:
    return rapports.pourcent_fr(valeur, int(decimales))


@register.filter
def texte_fr(valeur: str) -> str:
    return rapports.texte_fr(str(valeur or ""))
