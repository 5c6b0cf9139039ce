"""Relire un plan publié (`affectations.csv`, `planning.csv`) sans la session d'origine.

`moteur.format.lire_plan` refuse un élève ou un projet inconnus de la session ; un plan
publié, lui, nomme des élèves qui se sont désistés et des projets retirés depuis : on le
relit tel quel, en ne vérifiant que sa forme (fichier, ligne, colonne en cas d'erreur).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from moteur.erreurs import ErreurUtilisateur, Probleme
from moteur.modele import LignePlanning

TAILLE_MAX_OCTETS = 200 * 1024 * 1024
COLONNES = {
    "affectations.csv": ("eleve_id", "projet_id", "groupe"),
    "planning.csv": ("projet_id", "groupe", "date", "structure_id"),
}


@dataclass(slots=True)
class PlanPublie:
    """Le plan publié : élève → (projet ou None, groupe), dans l'ordre du fichier."""

    affectations: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    planning: list[LignePlanning] = field(default_factory=list)


def lire_plan_publie(dossier: Path | str) -> PlanPublie:
    dossier = Path(dossier)
    plan = PlanPublie()
    problemes: list[Probleme] = []
    for numero, ligne in _lignes(dossier, "affectations.csv"):
        eid = ligne["eleve_id"].strip()
        if not eid:
            problemes.append(Probleme("identifiant vide", "affectations.csv", numero, "eleve_id"))
        elif eid in plan.affectations:
            problemes.append(Probleme(f"élève {eid} en double", "affectations.csv", numero))
        else:
            projet = ligne["projet_id"].strip() or None
            plan.affectations[eid] = (projet, ligne["groupe"].strip() if projet else "")
    vues: set[tuple[str, str, date]] = set()
    for numero, ligne in _lignes(dossier, "planning.csv"):
        try:
            jour = date.fromisoformat(ligne["date"].strip())
        except ValueError:
            message = f"« {ligne['date']} » n'est pas une date AAAA-MM-JJ"
            problemes.append(Probleme(message, "planning.csv", numero, "date"))
            continue
        cle = (ligne["projet_id"].strip(), ligne["groupe"].strip(), jour)
        if cle in vues:
            message = f"le groupe {cle[1]} du projet {cle[0]} a déjà une ligne ce jour-là"
            problemes.append(Probleme(message, "planning.csv", numero, "date"))
            continue
        vues.add(cle)
        plan.planning.append(LignePlanning(cle[0], cle[1], jour, ligne["structure_id"].strip()))
    if problemes:
        raise ErreurUtilisateur(problemes)
    return plan


def _lignes(dossier: Path, nom: str) -> list[tuple[int, dict[str, str]]]:
    chemin = dossier / nom
    if not chemin.is_file():
        raise ErreurUtilisateur(Probleme(f"fichier manquant dans le plan publié {dossier}", nom))
    if chemin.stat().st_size > TAILLE_MAX_OCTETS:
        raise ErreurUtilisateur(Probleme("fichier trop gros (200 Mo au plus)", nom))
    brut = chemin.read_bytes()
    try:
        texte = brut.decode("utf-8-sig")
    except UnicodeDecodeError:
        texte = brut.decode("cp1252", errors="replace")
    lignes = texte.splitlines()
    if not lignes:
        raise ErreurUtilisateur(Probleme("fichier vide (il faut au moins l'en-tête)", nom, 1))
    separateur = ";" if lignes[0].count(";") > lignes[0].count(",") else ","
    lecteur = csv.DictReader(lignes, delimiter=separateur)
    entete = [c.strip() for c in lecteur.fieldnames or []]
    lecteur.fieldnames = entete
    for colonne in COLONNES[nom]:
        if colonne not in entete:
            raise ErreurUtilisateur(Probleme("colonne obligatoire absente", nom, 1, colonne))
    return [
        (numero, {k: (v or "") for k, v in ligne.items() if isinstance(k, str)})
        for numero, ligne in enumerate(lecteur, start=2)
    ]
