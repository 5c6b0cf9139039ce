"""Nombres au format français, une seule définition : le moteur (rapport.md) et la plateforme
(rapports, pages, messages) s'en servent."""

from __future__ import annotations

ESPACE_MILLIERS = "\u202f"  # espace fine insécable
ESPACE_INSECABLE = "\u00a0"


def nombre_fr(valeur: float | None, decimales: int = 0) -> str:
    """`1234.5` → `1 234,5` (espace fine insécable entre les milliers, virgule décimale)."""
    if valeur is None:
        return "—"
    texte = f"{valeur:,.{decimales}f}"
    return texte.replace(",", ESPACE_MILLIERS).replace(".", ",").replace("-", "\u2212")


def pourcent_fr(valeur: float | None, decimales: int = 1) -> str:
    """`16.94` → `16,9 %` (espace insécable avant le signe)."""
    if valeur is None:
        return "—"
    return f"{nombre_fr(valeur, decimales)}{ESPACE_INSECABLE}%"


def points_fr(valeur: float) -> str:
    """Écart en points, signé : `+2,5 pts`, `−0,3 pt`."""
    signe = "+" if valeur > 0 else ""
    unite = "pt" if abs(valeur) < 2 else "pts"
    return f"{signe}{nombre_fr(valeur, 1)}{ESPACE_INSECABLE}{unite}"
