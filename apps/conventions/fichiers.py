"""Noms de fichiers sûrs : une seule fonction pour les fichiers écrits sur disque, les
entrées des archives ZIP et l'en-tête `Content-Disposition`.

Un identifiant d'élève vient d'un fichier déposé par un établissement : il peut contenir
`../`, des guillemets, des retours à la ligne ou des séparateurs. Le nom produit ne garde
que `[0-9A-Za-z._-]` (les lettres accentuées perdent leur accent), ne contient jamais `..`,
ne commence jamais par un point et n'est jamais vide : il ne sort pas d'un dossier et ne
casse pas un en-tête.
"""

from __future__ import annotations

import re
import unicodedata

from django.http import HttpResponse

AUTORISES = re.compile(r"[^0-9A-Za-z._-]+")
LONGUEUR_MAX = 120


def nom_sur(texte: str, defaut: str = "fichier") -> str:
    """`texte` réduit à un nom de fichier sans danger (sans dossier, sans point initial)."""
    ascii_seul = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode("ascii")
    propre = AUTORISES.sub("_", ascii_seul)
    propre = re.sub(r"\.{2,}", "_", propre)
    propre = re.sub(r"_{2,}", "_", propre).lstrip("._")[:LONGUEUR_MAX]
    return propre if propre.strip("_") else defaut


def nom_avec_extension(base: str, extension: str) -> str:
    """`nom_sur(base)` suivi de `.extension` (l'extension est fixée par le code)."""
    return f"{nom_sur(base)}.{extension}"


def reponse_fichier(contenu: bytes, nom: str, type_mime: str, attache: bool = True) -> HttpResponse:
    """Une réponse de téléchargement dont le nom annoncé est passé par `nom_sur`."""
    reponse = HttpResponse(contenu, content_type=type_mime)
    disposition = "attachment" if attache else "inline"
    reponse["Content-Disposition"] = f'{disposition}; filename="{nom_sur(nom)}"'
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse
