"""Mise en forme française des dates et des heures, sans dépendre de la locale du système
ni de Django : les documents doivent être identiques en ligne de commande et sur la
plateforme."""

from __future__ import annotations

from datetime import date, time

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def date_longue(jour: date) -> str:
    """« lundi 15 juin 2026 »."""
    numero = "1er" if jour.day == 1 else str(jour.day)
    return f"{JOURS[jour.weekday()]} {numero} {MOIS[jour.month - 1]} {jour.year}"


def date_courte(jour: date) -> str:
    """« 15/06/2026 »."""
    return jour.strftime("%d/%m/%Y")


def heure(moment: time) -> str:
    """« 09:00 », comme dans les fichiers de la session (colonnes heure_debut, heure_fin)."""
    return moment.strftime("%H:%M")


def plage(debut: time, fin: time) -> str:
    return f"{heure(debut)} – {heure(fin)}"
