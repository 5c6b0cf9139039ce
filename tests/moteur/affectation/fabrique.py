"""Petites sessions construites directement avec les dataclasses du modèle."""

from __future__ import annotations

from datetime import date

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

ORIGINE = Point(49.0, 0.0)
KM_LAT = 1.0 / 111.195  # un kilomètre vers le nord, en degrés (sphère de 6371 km)


def point_a(km_nord: float) -> Point:
    return Point(ORIGINE.latitude + km_nord * KM_LAT, ORIGINE.longitude)


def session_test(
    projets: list[tuple[str, int, float]] | list[tuple[str, int, float, int]],
    eleves: list[dict],
    distance_max_km: float = 25.0,
) -> Session:
    """projets : (id, places, km au nord[, age_min]) ; eleves : dicts (id, voeux, km, ...)."""
    session = Session(
        parametres=ParametresSession(
            nom="test",
            date_debut=date(2026, 6, 15),
            date_fin=date(2026, 6, 19),
            distance_max_km=distance_max_km,
        )
    )
    session.etablissements["0140001A"] = Etablissement("0140001A", "Lycée", "14118", ORIGINE)
    for description in projets:
        pid, places, km = description[:3]
        age_min = description[3] if len(description) > 3 else 14
        sid = f"S-{pid}"
        session.structures[sid] = StructureAccueil(
            id=sid,
            nom=sid,
            domaines=("H",),
            commune_insee="14118",
            point=point_a(km),
            accueil_max=max(1, places),
            age_min=age_min,
        )
        session.projets[pid] = Projet(
            id=pid,
            nom=pid,
            type=TypeProjet.MONO_SITE,
            porteur=sid,
            commune_insee="14118",
            point=point_a(km),
            places=places,
            structures=(sid,),
        )
    for e in eleves:
        session.eleves[e["id"]] = Eleve(
            id=e["id"],
            uai="0140001A",
            date_naissance=e.get("naissance", date(2010, 1, 1)),
            voeux=tuple(e["voeux"]),
            commune_insee="14118",
            point=point_a(e.get("km", 0.0)),
            genre=e.get("genre", ""),
            boursier=e.get("boursier", False),
            rural=e.get("rural", False),
        )
    return session
