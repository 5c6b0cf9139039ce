"""Générateur d'instances de benchmark : de vrais dossiers de session, conformes au format.

Deux tailles de référence, sur les vraies communes du référentiel (moteur.referentiel) :
- « normandie » : 25 685 élèves, ~400 projets, départements 14, 27, 50, 61, 76 ;
- « nationale » : 560 000 élèves, ~10 000 projets, France métropolitaine ;
- « normandie-tendue » : la Normandie avec 80 % des places seulement (projets plus
  disputés : l'égalité des chances y est mise à l'épreuve).

Tout est tiré d'un générateur aléatoire à graine : même taille et même graine, même
dossier. Les domiciles suivent la population des communes ; les projets sont plus nombreux
en ville ; chaque élève fait 1 à 10 voeux parmi les projets proches (popularité × proximité,
avec un biais de genre par projet pour que la mixité soit un vrai sujet). Quelques projets
(santé, industrie) demandent 15 ou 16 ans ; quelques structures n'ouvrent pas tous les jours.

    .venv/bin/python -m benchmarks.generateur --taille normandie --graine 0 --sortie /tmp/normandie
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from moteur.affectation.eligibilite import haversine_tableaux
from moteur.modele import (
    Eleve,
    Etablissement,
    ParametresSession,
    Point,
    Projet,
    Session,
    StructureAccueil,
    TypeProjet,
)
from moteur.referentiel import CODES_NORMANDIE, CommuneRef, communes


@dataclass(frozen=True, slots=True)
class Taille:
    nom: str
    eleves: int
    projets: int
    departements: tuple[str, ...] | None  # None : France métropolitaine
    places_pct: int = 100  # places des projets, en % d'une place par élève en moyenne


TAILLES = {
    "normandie": Taille("normandie", 25_685, 400, CODES_NORMANDIE),
    "normandie-tendue": Taille("normandie-tendue", 25_685, 400, CODES_NORMANDIE, 80),
    "nationale": Taille("nationale", 560_000, 10_000, None),
}
ELEVES_PAR_LYCEE = 250
CELLULE_DEG = 0.3  # maille de recherche des projets proches (≈ 33 km × 22 km)
PORTEE_VOEUX_KM = 30.0  # on rêve un peu plus loin que la distance maximale (25 km)
DOMAINES = "ABCDEFGHIJKLMN"
TYPES = (
    TypeProjet.MONO_SITE,
    TypeProjet.MULTI_SECTEURS,
    TypeProjet.MONO_SECTEUR,
    TypeProjet.BI_ENTREPRISES,
)


def _communes(taille: Taille) -> list[CommuneRef]:
    retenues = []
    for c in communes().values():
        if c.type != "COM" or c.population <= 0 or c.departement.startswith("97"):
            continue
        if not (math.isfinite(c.point.latitude) and math.isfinite(c.point.longitude)):
            continue
        if taille.departements is None or c.departement in taille.departements:
            retenues.append(c)
    retenues.sort(key=lambda c: c.code)
    return retenues


def _decaler(
    rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, km: float
) -> tuple[np.ndarray, np.ndarray]:
    dlat = rng.uniform(-km, km, len(lat)) / 111.0
    dlon = rng.uniform(-km, km, len(lon)) / (111.0 * np.cos(np.radians(lat)))
    return np.round(lat + dlat, 6), np.round(lon + dlon, 6)


def _uai(departement: str, numero: int) -> str:
    prefixe = {"2A": "620", "2B": "720"}.get(departement, departement.zfill(3))
    return f"{prefixe}{numero % 10000:04d}" + "ABCDEFGHJKLMNPRSTUVWXYZ"[numero % 23]


def _plus_proche(
    lat: np.ndarray, lon: np.ndarray, clat: np.ndarray, clon: np.ndarray
) -> np.ndarray:
    """Indice du point (clat, clon) le plus proche de chaque (lat, lon), par paquets."""
    resultat = np.empty(len(lat), dtype=np.int64)
    for debut in range(0, len(lat), 2000):
        fin = min(len(lat), debut + 2000)
        d = haversine_tableaux(
            lat[debut:fin, None], lon[debut:fin, None], clat[None, :], clon[None, :]
        )
        resultat[debut:fin] = np.argmin(d, axis=1)
    return resultat


def generer(taille: str | Taille = "normandie", graine: int = 0) -> Session:
    t = TAILLES[taille] if isinstance(taille, str) else taille
    rng = np.random.default_rng(graine)
    cs = _communes(t)
    clat = np.array([c.point.latitude for c in cs])
    clon = np.array([c.point.longitude for c in cs])
    pop = np.array([c.population for c in cs], dtype=float)
    parametres = ParametresSession(
        nom=f"Benchmark {t.nom} (graine {graine})",
        date_debut=date(2026, 6, 15),
        date_fin=date(2026, 6, 26),
        distance_max_km=25.0,
    )
    etablissements, lycee_commune = _lycees(rng, t, cs, clat, clon, pop)
    structures, projets, biais = _projets(rng, t, cs, clat, clon, pop, parametres)
    eleves = _eleves(rng, t, cs, clat, clon, pop, etablissements, lycee_commune, projets, biais)
    return Session(
        parametres=parametres,
        etablissements=etablissements,
        structures=structures,
        projets=projets,
        eleves=eleves,
    )


def _lycees(
    rng: np.random.Generator,
    t: Taille,
    cs: list[CommuneRef],
    clat: np.ndarray,
    clon: np.ndarray,
    pop: np.ndarray,
) -> tuple[dict[str, Etablissement], list[str]]:
    nombre = max(1, t.eleves // ELEVES_PAR_LYCEE)
    choix = np.sort(rng.choice(len(cs), size=nombre, p=pop / pop.sum()))
    lat, lon = _decaler(rng, clat[choix], clon[choix], 1.0)
    etablissements: dict[str, Etablissement] = {}
    for i, c in enumerate(choix):
        commune = cs[c]
        uai = _uai(commune.departement, i)
        etablissements[uai] = Etablissement(
            uai=uai,
            nom=f"Lycée {i + 1} de {commune.nom}",
            commune_insee=commune.code,
            point=Point(float(lat[i]), float(lon[i])),
        )
    # Chaque commune envoie ses élèves au lycée le plus proche.
    plus_proche = _plus_proche(clat, clon, lat, lon)
    uais = list(etablissements)
    return etablissements, [uais[i] for i in plus_proche]


def _projets(
    rng: np.random.Generator,
    t: Taille,
    cs: list[CommuneRef],
    clat: np.ndarray,
    clon: np.ndarray,
    pop: np.ndarray,
    parametres: ParametresSession,
) -> tuple[dict[str, StructureAccueil], dict[str, Projet], np.ndarray]:
    jours = parametres.jours_ouvres
    choix = rng.choice(len(cs), size=t.projets, p=pop**0.8 / (pop**0.8).sum())
    lat, lon = _decaler(rng, clat[choix], clon[choix], 2.0)
    moyenne = t.eleves / t.projets
    if t.places_pct != 100:  # (les tailles à 100 % restent identiques octet pour octet)
        moyenne *= t.places_pct / 100
    places = np.clip(np.rint(rng.normal(moyenne, moyenne * 0.35, t.projets)), 8, None)
    biais = rng.uniform(-1.2, 1.2, t.projets)  # < 0 : attire les filles ; > 0 : les garçons
    age_projet = rng.choice([14, 15, 16], size=t.projets, p=[0.9, 0.07, 0.03])
    structures: dict[str, StructureAccueil] = {}
    projets: dict[str, Projet] = {}
    for p in range(t.projets):
        commune = cs[choix[p]]
        type_projet = TYPES[int(rng.integers(0, 4))]
        nb = {"mono-site": 1, "bi-entreprises": 2}.get(type_projet.value, int(rng.integers(3, 6)))
        ids = []
        for s in range(nb):
            sid = f"S{len(structures) + 1:06d}"
            ouverts: tuple[date, ...] = ()
            if s > 0 and rng.random() < 0.3:  # la première structure ouvre tous les jours
                ouverts = tuple(j for j in jours if rng.random() < 0.7)
            structures[sid] = StructureAccueil(
                id=sid,
                nom=f"Structure {sid}",
                domaines=(DOMAINES[int(rng.integers(0, 14))],),
                commune_insee=commune.code,
                point=Point(float(lat[p]), float(lon[p])),
                accueil_max=int(places[p]),
                jours=ouverts,
                age_min=int(age_projet[p]) if s == 0 else int(max(age_projet[p], 14)),
            )
            ids.append(sid)
        pid = f"P{p + 1:05d}"
        projets[pid] = Projet(
            id=pid,
            nom=f"Projet {pid} à {commune.nom}",
            type=type_projet,
            porteur=ids[0],
            commune_insee=commune.code,
            point=Point(float(lat[p]), float(lon[p])),
            places=int(places[p]),
            structures=tuple(ids),
        )
    return structures, projets, biais


def _eleves(
    rng: np.random.Generator,
    t: Taille,
    cs: list[CommuneRef],
    clat: np.ndarray,
    clon: np.ndarray,
    pop: np.ndarray,
    etablissements: dict[str, Etablissement],
    lycee_commune: list[str],
    projets: dict[str, Projet],
    biais: np.ndarray,
) -> dict[str, Eleve]:
    n = t.eleves
    domicile = rng.choice(len(cs), size=n, p=pop / pop.sum())
    lat, lon = _decaler(rng, clat[domicile], clon[domicile], 1.5)
    genre = rng.choice(np.array(["F", "M", ""]), size=n, p=[0.49, 0.49, 0.02])
    boursier = rng.random(n) < 0.25
    naissance0 = date(2009, 9, 1)
    naissance = rng.normal(365 + 180, 150, n).astype(np.int64)  # surtout nés en 2010
    nb_voeux = rng.integers(1, 11, n)
    voeux = _voeux(rng, lat, lon, genre, nb_voeux, projets, biais)
    ids = list(projets)
    eleves: dict[str, Eleve] = {}
    for e in range(n):
        commune = cs[domicile[e]]
        eid = f"E{e + 1:07d}"
        eleves[eid] = Eleve(
            id=eid,
            uai=lycee_commune[domicile[e]],
            date_naissance=naissance0 + timedelta(days=int(naissance[e])),
            voeux=tuple(ids[p] for p in voeux[e]),
            commune_insee=commune.code,
            point=Point(float(lat[e]), float(lon[e])),
            genre=str(genre[e]),
            boursier=bool(boursier[e]),
            rural=commune.rurale,
        )
    return eleves


def _voeux(
    rng: np.random.Generator,
    lat: np.ndarray,
    lon: np.ndarray,
    genre: np.ndarray,
    nb_voeux: np.ndarray,
    projets: dict[str, Projet],
    biais: np.ndarray,
) -> list[list[int]]:
    """Gumbel top-k : k projets tirés sans remise, poids popularité × proximité × genre."""
    plat = np.array([p.point.latitude for p in projets.values()])
    plon = np.array([p.point.longitude for p in projets.values()])
    popularite = rng.lognormal(0.0, 0.8, len(plat))
    cellule_p: dict[tuple[int, int], list[int]] = {}
    for p, cle in enumerate(
        zip(
            np.floor(plat / CELLULE_DEG).astype(int),
            np.floor(plon / CELLULE_DEG).astype(int),
            strict=True,
        )
    ):
        cellule_p.setdefault(cle, []).append(p)
    ce = np.floor(lat / CELLULE_DEG).astype(int), np.floor(lon / CELLULE_DEG).astype(int)
    par_cellule: dict[tuple[int, int], list[int]] = {}
    for e, cle in enumerate(zip(ce[0].tolist(), ce[1].tolist(), strict=True)):
        par_cellule.setdefault(cle, []).append(e)
    signe = np.where(genre == "M", 1.0, np.where(genre == "F", -1.0, 0.0))
    voeux: list[list[int]] = [[] for _ in range(len(lat))]
    for (ci, cj), eleves_l in sorted(par_cellule.items()):
        es = np.array(eleves_l)
        cand = [
            p
            for di in (-1, 0, 1)
            for dj in (-1, 0, 1)
            for p in cellule_p.get((ci + di, cj + dj), ())
        ]
        if not cand:
            cand = list(range(len(plat)))
        cand_a = np.array(sorted(cand))
        d = haversine_tableaux(lat[es, None], lon[es, None], plat[None, cand_a], plon[None, cand_a])
        poids = (
            np.log(popularite[cand_a])[None, :] - d / 10.0 + signe[es, None] * biais[None, cand_a]
        )
        poids = np.where(d <= PORTEE_VOEUX_KM, poids, -np.inf)
        # Personne à portée : l'élève demande quand même les plus proches (il sera refusé).
        sans = ~np.isfinite(poids).any(axis=1)
        poids[sans] = -d[sans]
        cles = poids + rng.gumbel(size=poids.shape)
        ordre = np.argsort(-cles, axis=1, kind="stable")
        for i, e in enumerate(es.tolist()):
            k = min(int(nb_voeux[e]), int(np.isfinite(cles[i]).sum()))
            voeux[e] = cand_a[ordre[i, :k]].tolist()
    return voeux


def ecrire_dossier(session: Session, dossier: str | Path) -> None:
    from moteur.format.ecriture import ecrire_session

    ecrire_session(session, Path(dossier))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère un dossier de session de benchmark.")
    parser.add_argument("--taille", choices=sorted(TAILLES), default="normandie")
    parser.add_argument("--graine", type=int, default=0)
    parser.add_argument("--sortie", required=True, help="dossier à écrire")
    args = parser.parse_args(argv)
    session = generer(args.taille, args.graine)
    ecrire_dossier(session, args.sortie)
    nb_voeux = sum(len(e.voeux) for e in session.eleves.values())
    print(
        f"{args.sortie} : {len(session.eleves)} élèves, {len(session.projets)} projets, "
        f"{len(session.structures)} structures, {nb_voeux} voeux, "
        f"{sum(p.places for p in session.projets.values())} places"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
