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


def periode(debut: date, fin: date) -> str:
    """« du 15 au 26 juin 2026 », « du 29 juin au 10 juillet 2026 », « du 28 décembre
    2026 au 8 janvier 2027 » : le mois et l'année ne sont dits qu'une fois quand ils sont
    communs."""

    def jour(d: date) -> str:
        return "1er" if d.day == 1 else str(d.day)

    if (debut.year, debut.month) == (fin.year, fin.month):
        gauche = jour(debut)
    elif debut.year == fin.year:
        gauche = f"{jour(debut)} {MOIS[debut.month - 1]}"
    else:
        gauche = f"{jour(debut)} {MOIS[debut.month - 1]} {debut.year}"
    return f"du {gauche} au {jour(fin)} {MOIS[fin.month - 1]} {fin.year}"


def date_courte(jour: date) -> str:
    """« 15/06/2026 »."""
    return jour.strftime("%d/%m/%Y")


def heure(moment: time) -> str:
    """« 09:00 », comme dans les fichiers de la session (colonnes heure_debut, heure_fin)."""
    return moment.strftime("%H:%M")


def plage(debut: time, fin: time) -> str:
    return f"{heure(debut)} – {heure(fin)}"
