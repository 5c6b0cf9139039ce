"""Écrire une réparation : `affectations.csv`, `planning.csv`, `changements.csv`, `rapport.md`."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from moteur.format import ecrire_plan
from moteur.francais import nombre_fr
from moteur.modele import Session
from moteur.reparation.reparer import Reparation
from moteur.rotation.capacite import jour_fr

# Ordre des colonnes du contrat (format/schemas/changements.json).
COLONNES_CHANGEMENTS = (
    "eleve_id",
    "avant_projet",
    "avant_groupe",
    "apres_projet",
    "apres_groupe",
    "raison",
)
ATTENTE_MONTREE = 500  # lignes de la liste d'attente dans le rapport


def ecrire_reparation(reparation: Reparation, session: Session, dossier: Path) -> None:
    ecrire_plan(reparation.plan, session, dossier)
    with (dossier / "changements.csv").open("w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.writer(fichier, lineterminator="\n")
        ecrivain.writerow(COLONNES_CHANGEMENTS)
        for c in reparation.changements:
            ecrivain.writerow(
                (
                    c.eleve_id,
                    c.avant_projet,
                    c.avant_groupe,
                    c.apres_projet,
                    c.apres_groupe,
                    c.raison,
                )
            )
    (dossier / "rapport.md").write_text(texte_rapport_reparation(session, reparation), "utf-8")


def texte_rapport_reparation(session: Session, reparation: Reparation) -> str:
    plan = reparation.plan
    places = sum(1 for a in plan.affectations.values() if a.projet_id)
    presents = session.eleves
    desistements = sum(1 for c in reparation.changements if c.eleve_id not in presents)
    deplaces = [c for c in reparation.changements if c.avant_projet and c.eleve_id in presents]
    entres = [c for c in reparation.changements if not c.avant_projet]
    groupes_touches = {(j.projet_id, j.groupe) for j in reparation.journees}
    lignes = [
        "# Rapport de réparation du plan publié",
        "",
        f"Session : {session.parametres.nom}.",
        "",
        "## L'essentiel en chiffres",
        "",
        "| | |",
        "|---|---|",
        f"| Élèves placés | **{nombre_fr(places)}** sur {nombre_fr(len(session.eleves))} |",
        f"| Affectations gardées telles quelles | {nombre_fr(reparation.gardes)} |",
        f"| Désistements | {nombre_fr(desistements)} |",
        f"| Élèves qui ont dû changer (projet ou journée impossible) | "
        f"{nombre_fr(len(deplaces))} |",
        f"| Places libérées données à la liste d'attente | {nombre_fr(len(entres))} |",
        f"| Journées de programme reportées | {nombre_fr(len(reparation.journees))} "
        f"({nombre_fr(len(groupes_touches))} groupes, mêmes élèves) |",
        "",
        "Le détail élève par élève est dans `changements.csv` (une ligne par élève dont le "
        "projet ou le groupe a changé).",
        "",
        "## Élèves déplacés et pourquoi",
        "",
    ]
    raisons = Counter(c.raison.split(" ; ")[0] for c in deplaces)
    lignes += [f"- {nombre_fr(n)} : {r}" for r, n in raisons.most_common()] or ["Aucun."]
    lignes += ["", "## Journées reportées (tout le groupe change de structure ce jour-là)", ""]
    lignes += [
        f"- {j.projet_id} {j.groupe}, {jour_fr(j.date)} : {j.avant or '—'} → {j.apres} ({j.raison})"
        for j in reparation.journees
    ] or ["Aucune."]
    lignes += ["", "## Liste d'attente (ordre d'appel du barème, celui de l'affectation)", ""]
    if not reparation.attente:
        lignes.append("Personne n'attend : tous les élèves avaient une place.")
    else:
        lignes += ["| rang | élève | arrivée tardive | résultat |", "|---:|---|---|---|"]
        for a in reparation.attente[:ATTENTE_MONTREE]:
            resultat = f"placé : {a.projet_id} {a.groupe}" if a.projet_id else "toujours en attente"
            lignes.append(
                f"| {a.position} | {a.eleve_id} | {'oui' if a.nouveau else 'non'} | {resultat} |"
            )
        if len(reparation.attente) > ATTENTE_MONTREE:
            reste = len(reparation.attente) - ATTENTE_MONTREE
            lignes.append(f"\n… et {nombre_fr(reste)} autres, tous toujours en attente.")
    lignes += ["", "## Élèves non placés", ""]
    lignes += [f"- {e} : {r}" for e, r in sorted(reparation.raisons.items())] or ["Aucun."]
    return "\n".join(lignes) + "\n"
