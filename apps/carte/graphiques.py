"""Graphiques en barres, en SVG généré côté serveur : pas de JS, pas de CDN, lisibles
par un lecteur d'écran (titre, description, et chaque graphique a son tableau de données)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

COULEURS = ("#1d3557", "#e76f51", "#2a9d8f", "#8d0801")
LARGEUR = 640
HAUTEUR_BARRE = 14
MARGE_GAUCHE = 170
MARGE_DROITE = 70


@dataclass(frozen=True, slots=True)
class Serie:
    nom: str
    valeurs: tuple[float | None, ...]


def barres(
    titre: str,
    categories: list[str],
    series: list[Serie],
    suffixe: str = "",
    maximum: float | None = None,
) -> SafeString:
    """Barres horizontales groupées : une ligne par catégorie, une barre par série."""
    valeurs = [v for s in series for v in s.valeurs if v is not None]
    plafond = maximum or max(valeurs, default=0) or 1
    hauteur_groupe = HAUTEUR_BARRE * len(series) + 10
    hauteur = 30 + hauteur_groupe * len(categories) + 24 * len(series)
    utile = LARGEUR - MARGE_GAUCHE - MARGE_DROITE
    elements: list[str] = []
    for i, categorie in enumerate(categories):
        y0 = 28 + i * hauteur_groupe
        elements.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#1b1b1b">{}</text>',
                MARGE_GAUCHE - 6,
                y0 + hauteur_groupe / 2,
                _court(categorie),
            )
        )
        for j, serie in enumerate(series):
            v = serie.valeurs[i]
            y = y0 + j * HAUTEUR_BARRE
            largeur = 0 if v is None else max(1.0, utile * v / plafond)
            texte = "—" if v is None else f"{_nombre(v)}{suffixe}"
            elements.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} — {} : {}'
                    "</title></rect>"
                    '<text x="{}" y="{}" font-size="11" fill="#1b1b1b">{}</text>',
                    MARGE_GAUCHE,
                    y,
                    f"{largeur:.1f}",
                    HAUTEUR_BARRE - 2,
                    COULEURS[j % len(COULEURS)],
                    categorie,
                    serie.nom,
                    texte,
                    f"{MARGE_GAUCHE + largeur + 4:.1f}",
                    y + 10,
                    texte,
                )
            )
    y_legende = 28 + hauteur_groupe * len(categories) + 10
    legende = format_html_join(
        "",
        (
            '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
            '<text x="{}" y="{}" font-size="12" fill="#1b1b1b">{}</text>'
        ),
        (
            (
                MARGE_GAUCHE,
                y_legende + 24 * j,
                COULEURS[j % len(COULEURS)],
                MARGE_GAUCHE + 18,
                y_legende + 24 * j + 11,
                s.nom,
            )
            for j, s in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="graphique" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>'
        '<text x="0" y="16" font-size="14" font-weight="bold" fill="#1b1b1b">{}</text>'
        "{}{}</svg>",
        LARGEUR,
        hauteur,
        LARGEUR,
        hauteur,
        titre,
        titre,
        mark_safe("".join(elements)),
        legende,
    )


def _court(texte: str, longueur: int = 26) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


def _nombre(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}".replace(".", ",")
