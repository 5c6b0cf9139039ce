"""Nombres et textes au format français, une seule définition : le moteur (rapport
d'allocation, `rapport.md`) et la plateforme (rapports, pages, messages) s'en servent.

Module feuille : il n'importe rien du moteur, chacun peut l'importer sans cycle.
"""

from __future__ import annotations

import re

ESPACE_MILLIERS = "\u202f"  # espace fine insécable
ESPACE_INSECABLE = "\u00a0"
MOINS = "\u2212"


def nombre_fr(valeur: float | None, decimales: int = 0) -> str:
    """`1234.5` → `1 234,5` (espace fine insécable entre les milliers, virgule décimale)."""
    if valeur is None:
        return "—"
    texte = f"{valeur:,.{decimales}f}"
    return texte.replace(",", ESPACE_MILLIERS).replace(".", ",").replace("-", MOINS)


def pourcent_fr(valeur: float | None, decimales: int = 1) -> str:
    """`16.94` → `16,9 %` (espace insécable avant le signe)."""
    if valeur is None:
        return "—"
    return f"{nombre_fr(valeur, decimales)}{ESPACE_INSECABLE}%"


def signe_fr(valeur: float, decimales: int = 1) -> str:
    """Nombre toujours signé : `2.54` → `+2,5`, `-0.3` → `−0,3`, `0` → `+0,0` (jamais
    `−0,0` : un écart arrondi à zéro est écrit positif)."""
    arrondi = round(valeur, decimales) + 0.0  # + 0.0 : -0.0 devient 0.0
    return f"{'+' if arrondi >= 0 else ''}{nombre_fr(arrondi, decimales)}"


def points_fr(valeur: float) -> str:
    """Écart en points, signé et abrégé : `+2,5 pts`, `−0,3 pt`."""
    signe = "+" if valeur > 0 else ""
    unite = "pt" if abs(valeur) < 2 else "pts"
    return f"{signe}{nombre_fr(valeur, 1)}{ESPACE_INSECABLE}{unite}"


def en_points_fr(valeur: float, decimales: int = 1) -> str:
    """Écart en points, signé, en toutes lettres : `+2,5 points`, `−0,3 point`."""
    unite = "point" if abs(round(valeur, decimales)) < 2 else "points"
    return f"{signe_fr(valeur, decimales)}{ESPACE_INSECABLE}{unite}"


def km_fr(valeur: float, decimales: int = 1) -> str:
    """Une distance : `12.34` → `12,3 km` (espace insécable avant l'unité)."""
    return f"{nombre_fr(valeur, decimales)}{ESPACE_INSECABLE}km"


_DECIMAL_ANGLAIS = re.compile(r"(?<![\w.])(\d+)\.(\d+)(?![\w.])")
_AVANT_UNITE = re.compile(r"(\d) (%|km\b|min\b|points?\b)")


def texte_fr(texte: str, insecables: bool = False) -> str:
    """Un texte déjà écrit relu à la française (raisons de non-placement, anciens rapports
    stockés) : « voeu » → « vœu », `16.9` → `16,9` (un numéro de version `v1.2.3` ou un
    identifiant `P1.2` restent tels quels). `insecables` : l'espace entre un nombre et son
    unité (`%`, `km`, `min`, `point(s)`) devient insécable, comme dans les nombres écrits
    par `pourcent_fr` ou `km_fr`."""
    texte = re.sub(r"\b([Vv])oeu", r"\1œu", texte)
    texte = _DECIMAL_ANGLAIS.sub(r"\1,\2", texte)
    return _AVANT_UNITE.sub(rf"\1{ESPACE_INSECABLE}\2", texte) if insecables else texte
