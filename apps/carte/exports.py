"""Exports du tableau de bord : CSV (séparateur « ; », UTF-8 avec BOM, pour les tableurs
français) et XLSX (openpyxl), une ligne par territoire."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from apps.carte.indicateurs import Ligne, Tableau

COLONNES: tuple[tuple[str, str], ...] = (
    ("code", "Code"),
    ("nom", "Territoire"),
    ("projets", "Projets"),
    ("places_offertes", "Places offertes"),
    ("places_pourvues", "Places pourvues"),
    ("taux_remplissage", "Remplissage (%)"),
    ("eleves", "Élèves"),
    ("eleves_places", "Élèves placés"),
    ("boursiers", "Boursiers"),
    ("taux_boursiers", "Boursiers placés (%)"),
    ("autres", "Non boursiers"),
    ("taux_autres", "Non boursiers placés (%)"),
    ("ruraux", "Ruraux"),
    ("taux_ruraux", "Ruraux placés (%)"),
    ("urbains", "Non ruraux"),
    ("taux_urbains", "Non ruraux placés (%)"),
    ("projets_mixite_evaluable", "Projets demandés par filles et garçons"),
    ("projets_mixtes", "Projets mixtes (≥ 30 %)"),
    ("liste_domaines", "Domaines découverts"),
    ("jours_offerts", "Jours-structure offerts"),
    ("jours_utilises", "Jours-structure utilisés"),
    ("taux_jours", "Jours-structure utilisés (%)"),
)


def _lignes(tableau: Tableau) -> list[tuple[str, Ligne]]:
    return (
        [("Région", tableau.total)]
        + [("Département", x) for x in tableau.departements]
        + [("EPCI", x) for x in tableau.epci]
    )


def _valeurs(ligne: Ligne) -> list:
    return [getattr(ligne, attribut) for attribut, _ in COLONNES]


def en_csv(tableau: Tableau) -> bytes:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(["Niveau", *(titre for _, titre in COLONNES)])
    for niveau, ligne in _lignes(tableau):
        ecrivain.writerow([niveau, *(_csv(v) for v in _valeurs(ligne))])
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")


def _csv(valeur: object) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float):
        return f"{valeur:.1f}".replace(".", ",")
    return str(valeur)


def en_xlsx(tableau: Tableau) -> bytes:
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "indicateurs"
    feuille.append(["Niveau", *(titre for _, titre in COLONNES)])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for niveau, ligne in _lignes(tableau):
        feuille.append([niveau, *_valeurs(ligne)])
    feuille.freeze_panes = "C2"
    domaines = classeur.create_sheet("domaines")
    domaines.append(["Domaine ROME", "Groupes qui le découvrent"])
    for lettre, nombre in tableau.domaines_par_groupe.items():
        domaines.append([lettre, nombre])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
