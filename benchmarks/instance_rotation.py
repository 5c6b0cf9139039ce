"""Instance synthétique « taille Normandie » pour le benchmark de la rotation.

~400 projets, ~2 500 structures d'accueil (dont des structures partagées entre deux
projets voisins), des jours autorisés, des jours_max et des âges minimums variés, tirés
en cohérence avec les âges des élèves : 10 % de structures « 15 ans et plus », quelques
structures « 16 ans et plus », seulement dans les projets d'au moins 6 structures.
Tout est pseudonyme et tiré d'une graine : deux exécutions donnent la même instance.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

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

DOMAINES = "ABCDEFGHIJKLMN"
AUTRES_MIN_16_ANS = 5  # autres structures exigées dans un projet qui a une structure 16+


def _point_proche(rng: random.Random, centre: Point, rayon_deg: float) -> Point:
    return Point(
        round(centre.latitude + rng.uniform(-rayon_deg, rayon_deg), 5),
        round(centre.longitude + rng.uniform(-rayon_deg, rayon_deg) * 1.5, 5),
    )


def _structure(
    rng: random.Random, sid: str, centre: Point, jours: tuple[date, ...]
) -> StructureAccueil:
    tirage = rng.random()
    jours_autorises: tuple[date, ...] = ()
    if tirage < 0.15:
        semaine = rng.choice([0, 5])
        jours_autorises = jours[semaine : semaine + 5]
    elif tirage < 0.25:
        jours_autorises = tuple(j for j in jours if j.weekday() != rng.randrange(5))
    jours_max = rng.choice([None, None, None, 3, 4, 5, 6, 8])
    return StructureAccueil(
        id=sid,
        nom=f"Structure {sid}",
        domaines=tuple(sorted(rng.sample(DOMAINES, rng.choice([1, 1, 2, 3])))),
        commune_insee="14118",
        point=_point_proche(rng, centre, 0.06),
        accueil_max=rng.choice([2, 3, 4, 4, 5, 6, 6, 8, 10, 12]),
        jours=jours_autorises,
        jours_max=jours_max,
        age_min=rng.choice([14] * 9 + [15]),
    )


def instance_normandie(graine: int = 0, n_projets: int = 400, n_structures: int = 2500) -> Session:
    """Session sans élèves : projets, structures (5 % partagées) ; voir `eleves_places`."""
    rng = random.Random(graine)
    parametres = ParametresSession(
        "Benchmark rotation", date(2026, 6, 15), date(2026, 6, 26), distance_max_km=25
    )
    jours = parametres.jours_ouvres
    session = Session(parametres)
    session.etablissements["0140000A"] = Etablissement(
        "0140000A", "Lycée", "14118", Point(49.18, -0.37)
    )
    par_projet = max(1, n_structures // n_projets)
    numero = 0
    for p in range(n_projets):
        centre = Point(rng.uniform(48.6, 49.9), rng.uniform(-1.8, 1.6))
        type_projet = rng.choice(list(TypeProjet))
        n = {TypeProjet.MONO_SITE: 2, TypeProjet.BI_ENTREPRISES: 2}.get(
            type_projet, rng.randint(par_projet + 1, par_projet + 8)
        )
        ids = []
        for _ in range(n):
            numero += 1
            sid = f"S{numero:04d}"
            session.structures[sid] = _structure(rng, sid, centre, jours)
            ids.append(sid)
        places = rng.choice([8, 10, 12, 12, 15, 16, 20, 24])
        if n >= AUTRES_MIN_16_ANS + 1 and rng.random() < 0.3:
            # Structure 16 ans et plus : rare, et seulement dans un projet dont les autres
            # structures suffisent chaque jour à ses élèves de 15 ans.
            candidate = rng.choice(ids[1:])
            autres = [session.structures[i] for i in ids if i != candidate]
            if _places_min_par_jour(autres, jours) >= places:
                session.structures[candidate].age_min = 16
        pid = f"P{p + 1:03d}"
        session.projets[pid] = Projet(
            id=pid,
            nom=f"Projet {pid}",
            type=type_projet,
            porteur=ids[0],
            commune_insee="14118",
            point=centre,
            places=places,
            structures=tuple(ids),
        )
    _partager(rng, session)
    return session


def _places_min_par_jour(structures: list[StructureAccueil], jours: tuple[date, ...]) -> int:
    """Places du jour le plus faible, structures âge 14 seulement (jours_max ignoré)."""
    return min(
        sum(s.accueil_max for s in structures if j in s.jours_possibles(jours) and s.age_min <= 14)
        for j in jours
    )


def _partager(rng: random.Random, session: Session) -> None:
    """Environ 5 % des structures servent aussi un deuxième projet (le suivant)."""
    pids = list(session.projets)
    for i, pid in enumerate(pids[:-1]):
        if rng.random() < 0.3:
            voisin = session.projets[pids[i + 1]]
            commune = rng.choice(session.projets[pid].structures)
            if commune not in voisin.structures:
                voisin.structures = (*voisin.structures, commune)


def _age_en_jours(rng: random.Random) -> int:
    """Âge au premier jour : 15 ans pour 80 % des élèves, 16 pour 15 %, 14 pour 5 %.

    Hypothèse prudente : en juin, une bonne part des élèves de seconde (nés en début
    d'année) ont déjà 16 ans ; en supposer 80 % de 15 ans rend l'âge plus contraignant.
    """
    tirage = rng.random()
    age = 15 if tirage < 0.8 else 16 if tirage < 0.95 else 14
    return rng.randint(age * 365 + 5, (age + 1) * 365 - 5)


def eleves_places(
    session: Session, effectifs: dict[str, int], graine: int = 0
) -> dict[str, list[str]]:
    """Crée `effectifs[projet]` élèves fictifs par projet ; rend {projet: [eleve_id]}."""
    rng = random.Random(graine + 1)
    debut = session.parametres.date_debut
    par_projet: dict[str, list[str]] = {}
    numero = 0
    for pid, n in effectifs.items():
        par_projet[pid] = []
        for _ in range(n):
            numero += 1
            eid = f"E{numero:05d}"
            naissance = debut - timedelta(days=_age_en_jours(rng))
            session.eleves[eid] = Eleve(
                id=eid,
                uai=f"01400{rng.randrange(10):02d}A",
                date_naissance=naissance,
                voeux=(pid,),
                commune_insee="14118",
                point=session.projets[pid].point,
                genre=rng.choice("FM"),
            )
            par_projet[pid].append(eid)
    return par_projet
