"""`composantes.csv` : une ligne par composante de la rotation (projets liés par une
structure commune), puis une ligne par projet sans programme."""

from __future__ import annotations

import csv
from pathlib import Path

from moteur.rotation import ResultatRotation

COLONNES_COMPOSANTES = ("projets", "statut", "objectif", "borne", "ecart_pct", "raisons")


def lignes_composantes(rotation: ResultatRotation | None) -> list[tuple[str, ...]]:
    if rotation is None:
        return []
    lignes: list[tuple[str, ...]] = []
    for c in sorted(rotation.composantes, key=lambda c: c.projets):
        ecart = "" if c.ecart is None else f"{100 * c.ecart:.1f}"
        objectif = "" if c.objectif is None else f"{c.objectif:g}"
        borne = "" if c.borne is None else f"{c.borne:g}"
        lignes.append(("|".join(c.projets), c.statut, objectif, borne, ecart, ""))
    for pid in sorted(rotation.echecs):
        echec = rotation.echecs[pid]
        lignes.append((pid, "sans programme", "", "", "", " ; ".join(echec.raisons)))
    return lignes


def ecrire_composantes_csv(chemin: Path, rotation: ResultatRotation | None) -> None:
    with chemin.open("w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.writer(fichier, lineterminator="\n")
        ecrivain.writerow(COLONNES_COMPOSANTES)
        ecrivain.writerows(lignes_composantes(rotation))
