"""Qui peut aller où : éligibilité des voeux, calculée en tableaux (numpy).

Un voeu (élève, projet) est éligible quand (règles 1 et 6 du format, plus l'âge) :
- le projet existe dans la session (règle 1 : seuls les voeux sont possibles) ;
- la distance domicile → point de rendez-vous (haversine, 6371,0 km) est au plus
  `distance_max_km` (règle 6) ;
- chaque jour ouvré de la session, au moins une structure du projet disponible ce
  jour-là accepte l'âge de l'élève ce jour-là (`age_min`, règle 5), et les structures
  qui l'acceptent suffisent à remplir tout son programme malgré leurs `jours_max` : une
  structure qui n'accueille que 4 jours ne peut pas tenir seule les 10 jours d'un élève de
  15 ans que les autres refusent (couplage jours → structures, `programme_possible`) ;
- avec un flux GTFS (`session.json` : gtfs, duree_max_min, arrivee ; issue 14), EN PLUS
  de la distance : le domicile atteint le point de rendez-vous en transport en commun ou à
  pied en arrivant au plus tard à `arrivee`, en au plus `duree_max_min` minutes
  (`moteur.transport.acces`, le même calcul que la règle 6 de `check`).

Tout est calculé sur des tableaux alignés « une ligne par voeu » : à l'échelle nationale
(560 000 élèves, 3 millions de voeux), quelques secondes au plus.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from itertools import chain

import numpy as np

from moteur.distances import RAYON_TERRE_KM, haversine_km
from moteur.modele import Eleve, Session
from moteur.transport.acces import Acces

GENRES = ("F", "M")
AUTRE_GENRE = 2  # code du genre inconnu ou non renseigné
AGE_IMPOSSIBLE = 1_000  # un jour sans structure ouverte : personne ne peut venir
# Une distance calculée en tableaux à moins de cette marge de la limite est recalculée
# avec la fonction de référence (moteur.distances.haversine_km) : même verdict que `check`.
_MARGE_KM = 1e-6


@dataclass(slots=True)
class Instance:
    """La session mise en tableaux. Indices : élèves dans l'ordre du fichier, projets dans
    l'ordre de projets.csv. Les voeux « v » sont triés par élève puis par rang."""

    eleve_ids: list[str]
    projet_ids: list[str]
    capacite: np.ndarray  # par projet : min(places, capacité effective), ≥ 0
    genre: np.ndarray  # par élève : 0 = F, 1 = M, 2 = autre / inconnu
    boursier: np.ndarray  # bool par élève
    rural: np.ndarray  # bool par élève
    nb_voeux: np.ndarray  # par élève : voeux exprimés (y compris inconnus)
    v_eleve: np.ndarray  # par voeu connu : indice de l'élève
    v_projet: np.ndarray  # par voeu connu : indice du projet
    v_rang: np.ndarray  # par voeu connu : rang dans `voeux` (1 = premier)
    v_distance: np.ndarray  # km
    v_portee: np.ndarray  # bool : distance ≤ distance_max_km
    v_age: np.ndarray  # bool : l'âge est accepté chaque jour
    v_transport: np.ndarray  # bool : atteint en transport ou à pied (toujours vrai sans GTFS)
    demandeurs: np.ndarray  # (projets, 3) : nombre de demandeurs par genre (tout voeu)
    p_latitude: np.ndarray  # par projet : point de rendez-vous (ordre spatial du flot)
    p_longitude: np.ndarray

    @property
    def v_eligible(self) -> np.ndarray:
        eligible: np.ndarray = self.v_portee & self.v_age & self.v_transport
        return eligible

    @property
    def nb_eleves(self) -> int:
        return len(self.eleve_ids)

    @property
    def nb_projets(self) -> int:
        return len(self.projet_ids)

    def voeux_eligibles(self) -> tuple[np.ndarray, np.ndarray]:
        """Indices des voeux éligibles (triés par élève et rang) et début de chaque élève
        dans ce tableau (longueur nb_eleves + 1)."""
        indices = np.flatnonzero(self.v_eligible)
        debut = np.zeros(self.nb_eleves + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.v_eleve[indices], minlength=self.nb_eleves), out=debut[1:])
        return indices, debut


def capacites_effectives(session: Session, capacites: dict[str, int] | None) -> np.ndarray:
    """min(places, capacité effective) par projet, jamais négative."""
    valeurs = []
    for projet in session.projets.values():
        cap = projet.places
        if capacites is not None and projet.id in capacites:
            cap = min(cap, capacites[projet.id])
        valeurs.append(max(0, cap))
    return np.array(valeurs, dtype=np.int64)


def age_requis(session: Session) -> np.ndarray:
    """(projets, jours) : âge minimal pour venir ce jour-là (la structure du projet
    ouverte ce jour-là la plus accueillante), AGE_IMPOSSIBLE si aucune n'est ouverte."""
    jours = session.jours
    requis = np.full((len(session.projets), len(jours)), AGE_IMPOSSIBLE, dtype=np.int64)
    for p, projet in enumerate(session.projets.values()):
        for sid in projet.structures:
            structure = session.structures.get(sid)
            if structure is None:
                continue
            ouverts = set(structure.jours_possibles(jours))
            for d, jour in enumerate(jours):
                if jour in ouverts:
                    requis[p, d] = min(requis[p, d], structure.age_min)
    return requis


def haversine_tableaux(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(x) for x in (lat1, lon1, lat2, lon2))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    distances: np.ndarray = 2 * RAYON_TERRE_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return distances


def construire_instance(
    session: Session, capacites: dict[str, int] | None = None, acces: Acces | None = None
) -> Instance:
    """La session en tableaux. `acces` : les durées de trajet des voeux (`atteignables`) ;
    None : pas de contrainte de transport (session sans GTFS)."""
    projet_ids = list(session.projets)
    index_projet = {pid: i for i, pid in enumerate(projet_ids)}
    eleves = list(session.eleves.values())
    n = len(eleves)
    code_genre = {"F": 0, "M": 1}

    lat = np.fromiter((e.point.latitude for e in eleves), float, n)
    lon = np.fromiter((e.point.longitude for e in eleves), float, n)
    naissance = _dates_en_tableau([e.date_naissance for e in eleves])
    genre = np.fromiter((code_genre.get(e.genre, AUTRE_GENRE) for e in eleves), np.int8, n)
    boursier = np.fromiter((e.boursier for e in eleves), bool, n)
    rural = np.fromiter((e.rural for e in eleves), bool, n)
    listes = [e.voeux for e in eleves]
    nb_voeux = np.fromiter(map(len, listes), np.int64, n)
    tous = np.fromiter((index_projet.get(pid, -1) for pid in chain.from_iterable(listes)), np.int64)
    tous_eleves = np.repeat(np.arange(n, dtype=np.int64), nb_voeux)
    debuts = np.repeat(np.cumsum(nb_voeux) - nb_voeux, nb_voeux)
    tous_rangs = np.arange(len(tous), dtype=np.int64) - debuts + 1
    # Projet inconnu ou voeu répété (on garde la première occurrence) : ignoré.
    garde = tous >= 0
    _, premiers = np.unique(tous_eleves * (len(projet_ids) + 1) + tous, return_index=True)
    unique = np.zeros(len(tous), dtype=bool)
    unique[premiers] = True
    garde &= unique
    v_eleve, v_projet, v_rang = tous_eleves[garde], tous[garde], tous_rangs[garde]

    ve, vp = v_eleve, v_projet
    plat = np.array([p.point.latitude for p in session.projets.values()])
    plon = np.array([p.point.longitude for p in session.projets.values()])
    distance = haversine_tableaux(lat[ve], lon[ve], plat[vp], plon[vp])
    dmax = session.parametres.distance_max_km
    portee = distance <= dmax
    for k in np.flatnonzero(np.abs(distance - dmax) < _MARGE_KM):
        eleve = eleves[ve[k]]
        projet = session.projets[projet_ids[vp[k]]]
        distance[k] = haversine_km(eleve.point, projet.point)
        portee[k] = distance[k] <= dmax

    demandeurs = np.zeros((len(projet_ids), 3), dtype=np.int64)
    np.add.at(demandeurs, (vp, genre[ve].astype(np.int64)), 1)
    return Instance(
        eleve_ids=list(session.eleves),
        projet_ids=projet_ids,
        capacite=capacites_effectives(session, capacites),
        genre=genre,
        boursier=boursier,
        rural=rural,
        nb_voeux=nb_voeux,
        v_eleve=ve,
        v_projet=vp,
        v_rang=v_rang,
        v_distance=distance,
        v_portee=portee,
        v_age=_ages_acceptes(session, naissance, ve, vp),
        v_transport=_atteints(eleves, projet_ids, ve, vp, acces),
        demandeurs=demandeurs,
        p_latitude=plat,
        p_longitude=plon,
    )


def _atteints(
    eleves: list[Eleve],
    projet_ids: list[str],
    ve: np.ndarray,
    vp: np.ndarray,
    acces: Acces | None,
) -> np.ndarray:
    """Pour chaque voeu : atteint en transport ou à pied (vrai partout sans `acces`)."""
    if acces is None:
        return np.ones(len(ve), dtype=bool)
    durees = acces.durees
    return np.fromiter(
        (
            durees.get((eleves[e].id, projet_ids[p])) is not None
            for e, p in zip(ve.tolist(), vp.tolist(), strict=True)
        ),
        bool,
        len(ve),
    )


def _dates_en_tableau(dates: list[date]) -> np.ndarray:
    """(n, 3) : année, mois, jour."""
    jours = np.array(dates, dtype="datetime64[D]")
    mois = jours.astype("datetime64[M]")
    resultat = np.empty((len(dates), 3), dtype=np.int64)
    resultat[:, 0] = mois.astype("datetime64[Y]").astype(np.int64) + 1970
    resultat[:, 1] = mois.astype(np.int64) % 12 + 1
    resultat[:, 2] = (jours - mois).astype(np.int64) + 1
    return resultat


def _ages_acceptes(
    session: Session, naissance: np.ndarray, ve: np.ndarray, vp: np.ndarray
) -> np.ndarray:
    """Pour chaque voeu : l'âge de l'élève est-il accepté chaque jour ouvré, par des
    structures qui peuvent tenir tout son programme (`jours_max`) ?"""
    requis = age_requis(session)
    accepte = np.ones(len(ve), dtype=bool)
    annee, mois_jour = naissance[:, 0], naissance[:, 1] * 100 + naissance[:, 2]
    ages = np.empty((len(naissance), len(session.jours)), dtype=np.int64)
    for d, jour in enumerate(session.jours):
        ages[:, d] = jour.year - annee - ((jour.month * 100 + jour.day) < mois_jour)
        accepte &= ages[ve, d] >= requis[vp, d]
    _programmes_possibles(session, ages, ve, vp, accepte)
    return accepte


def _programmes_possibles(
    session: Session, ages: np.ndarray, ve: np.ndarray, vp: np.ndarray, accepte: np.ndarray
) -> None:
    """Retire de `accepte` les voeux dont aucun programme individuel n'existe : seuls les
    projets dont une structure a un `jours_max` plus petit que la session sont examinés,
    une fois par profil d'âges (les élèves d'un même âge chaque jour se valent)."""
    jours = session.jours
    projets = list(session.projets.values())
    limites = [
        p
        for p, projet in enumerate(projets)
        if any(
            (s := session.structures.get(sid)) is not None
            and s.jours_max is not None
            and s.jours_max < len(jours)
            for sid in projet.structures
        )
    ]
    if not limites:
        return
    a_voir = np.flatnonzero(accepte & np.isin(vp, np.array(limites, dtype=np.int64)))
    if len(a_voir) == 0:
        return
    profils = np.column_stack([vp[a_voir], ages[ve[a_voir]]])
    uniques, inverse = np.unique(profils, axis=0, return_inverse=True)
    possibles = np.array(
        [
            programme_possible(session, projets[int(u[0])].structures, tuple(u[1:].tolist()))
            for u in uniques
        ],
        dtype=bool,
    )
    accepte[a_voir] = possibles[np.asarray(inverse).reshape(-1)]


def programme_possible(
    session: Session, structures: tuple[str, ...], ages: tuple[int, ...]
) -> bool:
    """Un élève de ces âges (un par jour ouvré) peut-il avoir un programme complet dans ces
    structures : chaque jour une structure ouverte qui accepte son âge, chacune au plus
    `jours_max` jours ? Couplage jours → structures par chemins augmentants (Kuhn)."""
    jours = session.jours
    connues = [
        session.structures[sid] for sid in dict.fromkeys(structures) if sid in session.structures
    ]
    places = [len(jours) if s.jours_max is None else s.jours_max for s in connues]
    candidates = [
        [
            k
            for k, s in enumerate(connues)
            if places[k] > 0 and jour in s.jours_possibles(jours) and ages[d] >= s.age_min
        ]
        for d, jour in enumerate(jours)
    ]
    occupants: list[list[int]] = [[] for _ in connues]

    def augmenter(d: int, vus: set[int]) -> bool:
        for k in candidates[d]:
            if k in vus:
                continue
            vus.add(k)
            if len(occupants[k]) < places[k]:
                occupants[k].append(d)
                return True
            for i, autre in enumerate(occupants[k]):
                if augmenter(autre, vus):
                    occupants[k][i] = d
                    return True
        return False

    return all(augmenter(d, set()) for d in range(len(jours)))


def distance_ou_infini(session: Session, eleve_id: str, projet_id: str) -> float:
    """Distance de référence (scalaire) ; l'infini si le projet est inconnu."""
    projet = session.projets.get(projet_id)
    if projet is None:
        return math.inf
    return haversine_km(session.eleves[eleve_id].point, projet.point)
