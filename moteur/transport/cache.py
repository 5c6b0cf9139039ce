"""Le cache disque du prétraitement : un fichier par (empreinte du flux, date).

Clé : SHA-256 du fichier zip (son contenu, pas son nom ni sa date), la date demandée et la
version du format. Contenu : un en-tête JSON (textes : arrêts, lignes, directions) puis les
tableaux d'entiers et de flottants bruts (module `array`), sans pickle : un fichier de
cache modifié ne peut pas faire exécuter de code, au pire il est refusé et reconstruit.
L'écriture passe par un fichier temporaire renommé (jamais de cache à moitié écrit).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import tempfile
from array import array
from dataclasses import fields
from datetime import date
from pathlib import Path

from moteur.transport.reseau import Reseau, construire_reseau

VERSION = 1
_MAGIE = b"STAGES-GTFS\x00"
_ENTIERS = ("dep", "arr", "de", "vers", "course", "drapeaux", "marche_debut", "marche_vers",
            "marche_sec")  # fmt: skip
_FLOTTANTS = ("latitudes", "longitudes")
_TEXTES = ("arrets_id", "arrets_nom", "courses_ligne", "courses_direction")


def dossier_par_defaut() -> Path:
    """$STAGES_CACHE_TRANSPORT, sinon $XDG_CACHE_HOME/stages-collectifs/transport."""
    if env := os.environ.get("STAGES_CACHE_TRANSPORT"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stages-collectifs" / "transport"


def empreinte(chemin: Path) -> str:
    h = hashlib.sha256()
    with chemin.open("rb") as f:
        while bloc := f.read(1 << 20):
            h.update(bloc)
    return h.hexdigest()


def charger(chemin: Path, jour: date, dossier: Path | None = None) -> tuple[Reseau, bool]:
    """Le réseau du jour, depuis le cache s'il y est, sinon construit puis mis en cache.
    Renvoie aussi True si le cache a servi. `dossier=None` : dossier par défaut."""
    dossier = dossier or dossier_par_defaut()
    if not chemin.is_file():
        return construire_reseau(chemin, jour), False  # message d'erreur du lecteur
    fichier = dossier / f"{empreinte(chemin)}-{jour.isoformat()}-v{VERSION}.bin"
    if fichier.is_file():
        reseau = lire(fichier)
        if reseau is not None:
            return reseau, True
    reseau = construire_reseau(chemin, jour)
    # Un cache impossible à écrire ralentit la prochaine fois, sans plus.
    with contextlib.suppress(OSError):
        ecrire(reseau, fichier)
    return reseau, False


def ecrire(reseau: Reseau, fichier: Path) -> None:
    entete = {
        "version": VERSION,
        "jour": reseau.jour.isoformat(),
        "nb_lignes": reseau.nb_lignes,
        "nb_services": reseau.nb_services,
        "textes": {nom: getattr(reseau, nom) for nom in _TEXTES},
        "tailles": {nom: len(getattr(reseau, nom)) for nom in _ENTIERS + _FLOTTANTS},
    }
    brut = json.dumps(entete, ensure_ascii=False).encode()
    fichier.parent.mkdir(parents=True, exist_ok=True)
    fd, temporaire = tempfile.mkstemp(dir=fichier.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIE + struct.pack("<Q", len(brut)) + brut)
            for nom in _ENTIERS:
                array("q", getattr(reseau, nom)).tofile(f)
            for nom in _FLOTTANTS:
                array("d", getattr(reseau, nom)).tofile(f)
        os.replace(temporaire, fichier)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise


def lire(fichier: Path) -> Reseau | None:
    """Le réseau en cache, ou None si le fichier est illisible ou d'un autre format."""
    try:
        with fichier.open("rb") as f:
            if f.read(len(_MAGIE)) != _MAGIE:
                return None
            (taille,) = struct.unpack("<Q", f.read(8))
            entete = json.loads(f.read(taille))
            if entete.get("version") != VERSION:
                return None
            valeurs: dict[str, object] = dict(entete["textes"])
            for nom, code in [(n, "q") for n in _ENTIERS] + [(n, "d") for n in _FLOTTANTS]:
                tableau = array(code)
                tableau.fromfile(f, int(entete["tailles"][nom]))
                valeurs[nom] = tableau.tolist()
    except (OSError, ValueError, KeyError, TypeError, EOFError, struct.error):
        return None
    noms = (
        {f.name for f in fields(Reseau)}
        - {"_grille", "_ordre_arrivees", "jour"}
        - {
            "nb_lignes",
            "nb_services",
        }
    )
    if set(valeurs) != noms:
        return None
    reseau = Reseau(date.fromisoformat(entete["jour"]), **valeurs)  # type: ignore[arg-type]
    reseau.nb_lignes, reseau.nb_services = int(entete["nb_lignes"]), int(entete["nb_services"])
    return reseau
