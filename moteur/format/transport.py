"""Les clés de transport de `session.json` : `gtfs`, `duree_max_min`, `arrivee`.

Contrat (format/README.md) : facultatives ; avec elles, la règle 6 exige aussi un trajet en
transport en commun ou à pied du domicile (ou du lycée) au point de rendez-vous, arrivé
au plus tard à `arrivee`, en au plus `duree_max_min` minutes, le premier jour ouvré de la
session. `gtfs` est un chemin relatif au dossier, qui ne doit pas en sortir (un dossier
déposé sur la plateforme ne fait pas lire un fichier du serveur).
"""

from __future__ import annotations

import re
import shutil
from datetime import date, time
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from moteur.erreurs import ErreurUtilisateur
from moteur.format.validation import Collecteur, citer
from moteur.transport.couverture import couverture, verifier_jour
from moteur.transport.parametres import DUREE_MAX_MIN_LIMITE, ParametresTransport

FICHIER = "session.json"
CLES = ("gtfs", "duree_max_min", "arrivee")
_HEURE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def lire_transport(
    brut: dict[str, Any],
    dossier: Path,
    premier_jour: date,
    collecteur: Collecteur,
    avertissements: list[str],
) -> ParametresTransport | None:
    """Les paramètres de transport, ou None (pas de `gtfs`, ou erreur notée)."""
    if "gtfs" not in brut:
        presentes = [c for c in CLES[1:] if c in brut]
        if presentes:
            avertissements.append(
                f"{FICHIER} : {', '.join(presentes)} sans « gtfs » : ignoré (distance à vol "
                "d'oiseau seulement)"
            )
        return None
    avant = len(collecteur.problemes) + collecteur.autres
    chemin = _chemin_gtfs(brut["gtfs"], dossier, collecteur)
    duree = _duree(brut, collecteur)
    arrivee = _arrivee(brut, collecteur)
    if len(collecteur.problemes) + collecteur.autres > avant:
        return None
    assert chemin is not None and duree is not None and arrivee is not None
    try:
        verifier_jour(chemin, couverture(chemin), premier_jour)
    except ErreurUtilisateur as exc:
        for probleme in exc.problemes:
            collecteur.ajouter_probleme(probleme)
        return None
    return ParametresTransport(chemin, str(brut["gtfs"]), duree, arrivee)


def _chemin_gtfs(valeur: Any, dossier: Path, collecteur: Collecteur) -> Path | None:
    if not isinstance(valeur, str) or not valeur.strip():
        collecteur.ajouter(
            'doit être le nom d\'un fichier zip du dossier ("reseau.zip")', FICHIER, colonne="gtfs"
        )
        return None
    relatif = PurePosixPath(valeur.replace("\\", "/"))
    if relatif.is_absolute() or PureWindowsPath(valeur).drive or ".." in relatif.parts:
        collecteur.ajouter(
            f"{citer(valeur)} : le chemin doit être relatif au dossier de la session, sans « .. »",
            FICHIER,
            colonne="gtfs",
        )
        return None
    chemin = dossier / Path(*relatif.parts)
    try:
        dans_le_dossier = chemin.resolve().is_relative_to(dossier.resolve())
    except OSError:
        dans_le_dossier = False
    if not dans_le_dossier:
        collecteur.ajouter(
            f"{citer(valeur)} sort du dossier de la session", FICHIER, colonne="gtfs"
        )
        return None
    if not chemin.is_file():
        collecteur.ajouter(
            f"fichier GTFS {citer(valeur)} introuvable dans le dossier {dossier.name}",
            FICHIER,
            colonne="gtfs",
        )
        return None
    return chemin


def _duree(brut: dict[str, Any], collecteur: Collecteur) -> int | None:
    valeur = brut.get("duree_max_min")
    if valeur is None:
        collecteur.ajouter(
            "valeur obligatoire avec « gtfs » (durée maximale du trajet, en minutes)",
            FICHIER,
            colonne="duree_max_min",
        )
        return None
    entier = isinstance(valeur, int) or (isinstance(valeur, float) and valeur.is_integer())
    if isinstance(valeur, bool) or not entier or not 1 <= valeur <= DUREE_MAX_MIN_LIMITE:
        collecteur.ajouter(
            f"{citer(str(valeur))} n'est pas un nombre entier de minutes entre 1 et "
            f"{DUREE_MAX_MIN_LIMITE}",
            FICHIER,
            colonne="duree_max_min",
        )
        return None
    return int(valeur)


def _arrivee(brut: dict[str, Any], collecteur: Collecteur) -> time | None:
    valeur = brut.get("arrivee")
    if valeur is None:
        collecteur.ajouter(
            "valeur obligatoire avec « gtfs » (heure d'arrivée au point de rendez-vous, HH:MM)",
            FICHIER,
            colonne="arrivee",
        )
        return None
    trouve = _HEURE.match(valeur) if isinstance(valeur, str) else None
    if trouve is None:
        collecteur.ajouter(
            f"{citer(str(valeur))} n'est pas une heure HH:MM (de 00:00 à 23:59)",
            FICHIER,
            colonne="arrivee",
        )
        return None
    return time(int(trouve[1]), int(trouve[2]))


def transport_json(transport: ParametresTransport) -> dict[str, Any]:
    """Les clés à écrire dans session.json (le zip est copié à côté sous son nom)."""
    return {
        "gtfs": transport.gtfs.name,
        "duree_max_min": transport.duree_max_min,
        "arrivee": transport.arrivee.strftime("%H:%M"),
    }


def copier_flux(transport: ParametresTransport, destination: Path) -> None:
    """Copie le zip dans le dossier en cours d'écriture, sous son nom (le dossier écrit se
    suffit à lui-même, comme le veut le contrat)."""
    shutil.copyfile(transport.gtfs, destination / transport.gtfs.name)
