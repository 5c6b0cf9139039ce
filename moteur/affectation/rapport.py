"""Indicateurs, contrôles indépendants et rapport en français.

Les contrôles (`borne_max_flot`, `paires_envie_justifiee`) recalculent l'éligibilité
avec les fonctions scalaires de référence (moteur.distances.haversine_km, Eleve.age_le),
sans rien réutiliser des tableaux ni des algorithmes d'allocation.
"""

from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from datetime import date

import numpy as np
from ortools.graph.python import max_flow  # type: ignore[import-untyped]

from moteur.affectation.eligibilite import Instance
from moteur.affectation.priorites import Priorites
from moteur.affectation.resultat import Indicateurs, ResultatAffectation
from moteur.distances import haversine_km
from moteur.francais import en_points_fr, km_fr, nombre_fr, pourcent_fr, texte_fr
from moteur.modele import Session
from moteur.transport.acces import Acces


def _pourcent(a: int, b: int) -> float:
    return 100.0 * a / b if b else 0.0


def age_requis_reference(session: Session) -> dict[str, tuple[int | None, ...]]:
    """Par projet et par jour ouvré : le plus petit age_min des structures ouvertes
    (None : aucune structure ouverte ce jour-là)."""
    jours = session.jours
    requis: dict[str, tuple[int | None, ...]] = {}
    for projet in session.projets.values():
        par_jour: list[int | None] = []
        for jour in jours:
            ages = [
                s.age_min
                for sid in projet.structures
                if (s := session.structures.get(sid)) is not None
                and jour in s.jours_possibles(jours)
            ]
            par_jour.append(min(ages) if ages else None)
        requis[projet.id] = tuple(par_jour)
    return requis


def eligibles_reference(
    session: Session, acces: Acces | None = None
) -> dict[str, list[tuple[str, int, float]]]:
    """Par élève : (projet, rang, distance) de ses voeux éligibles, dans l'ordre des voeux.
    `acces` : avec un flux GTFS, un voeu doit aussi être atteint en transport ou à pied
    (`Acces.atteint`) ; None : vol d'oiseau seulement."""
    requis = age_requis_reference(session)
    jours = session.jours
    dmax = session.parametres.distance_max_km
    resultat: dict[str, list[tuple[str, int, float]]] = {}
    # (projet, âges de l'élève chaque jour) → âge accepté chaque jour et programme complet.
    # Mis en cache : au niveau national, 560 000 élèves n'ont que quelques centaines de
    # dates de naissance distinctes (même calcul, une fois par date).
    par_ages: dict[tuple[int, ...], dict[str, bool]] = {}  # âges → projet → possible
    par_naissance: dict[date, tuple[tuple[int, ...], dict[str, bool]]] = {}
    for eleve in session.eleves.values():
        deja = par_naissance.get(eleve.date_naissance)
        if deja is None:
            ages_calcules = tuple(eleve.age_le(j) for j in jours)
            deja = (ages_calcules, par_ages.setdefault(ages_calcules, {}))
            par_naissance[eleve.date_naissance] = deja
        ages, possibles = deja
        liste: list[tuple[str, int, float]] = []
        vus: set[str] = set()
        for rang, pid in enumerate(eleve.voeux, start=1):
            projet = session.projets.get(pid)
            if projet is None or pid in vus:
                continue
            vus.add(pid)
            distance = haversine_km(eleve.point, projet.point)
            if distance > dmax:
                continue
            if acces is not None and not acces.atteint(eleve.id, pid):
                continue
            possible = possibles.get(pid)
            if possible is None:
                possible = all(
                    r is not None and a >= r for a, r in zip(ages, requis[pid], strict=True)
                ) and programme_individuel_reference(session, pid, ages)
                possibles[pid] = possible
            if possible:
                liste.append((pid, rang, distance))
        resultat[eleve.id] = liste
    return resultat


def programme_individuel_reference(session: Session, pid: str, ages: tuple[int, ...]) -> bool:
    """Contrôle indépendant (flot maximum OR-Tools) : un élève de ces âges, un par jour
    ouvré, a-t-il un programme complet dans le projet (structures ouvertes qui acceptent son
    âge, chacune au plus `jours_max` jours) ?"""
    jours = session.jours
    structures = [
        s
        for sid in dict.fromkeys(session.projets[pid].structures)
        if (s := session.structures.get(sid)) is not None
    ]
    if all(s.jours_max is None or s.jours_max >= len(jours) for s in structures):
        return True  # l'âge accepté chaque jour suffit (vérifié par l'appelant)
    flot = max_flow.SimpleMaxFlow()
    puits = 1 + len(jours) + len(structures)
    for d, jour in enumerate(jours):
        flot.add_arc_with_capacity(0, 1 + d, 1)
        for k, s in enumerate(structures):
            if jour in s.jours_possibles(jours) and ages[d] >= s.age_min:
                flot.add_arc_with_capacity(1 + d, 1 + len(jours) + k, 1)
    for k, s in enumerate(structures):
        plafond = len(jours) if s.jours_max is None else s.jours_max
        flot.add_arc_with_capacity(1 + len(jours) + k, puits, plafond)
    flot.solve(0, puits)
    return int(flot.optimal_flow()) == len(jours)


def capacites_reference(session: Session, capacites: dict[str, int] | None) -> dict[str, int]:
    return {
        p.id: max(0, min(p.places, (capacites or {}).get(p.id, p.places)))
        for p in session.projets.values()
    }


def borne_max_flot(
    session: Session,
    capacites: dict[str, int] | None = None,
    eligibles: dict[str, list[tuple[str, int, float]]] | None = None,
    acces: Acces | None = None,
) -> int:
    """Le plus grand nombre d'élèves plaçables (flot maximum), calculé indépendamment :
    aucune affectation ne peut faire mieux, quelle que soit la politique. `acces` : durées
    de trajet (session avec GTFS), comme pour `affecter`."""
    if eligibles is None:
        eligibles = eligibles_reference(session, acces)
    cap = capacites_reference(session, capacites)
    noeud_projet = {pid: 2 + i for i, pid in enumerate(cap)}
    flot = max_flow.SimpleMaxFlow()
    suivant = 2 + len(cap)
    # Mêmes arcs, dans le même ordre, qu'un ajout un par un ; ajoutés par tableaux (rapide).
    # Tableaux d'entiers compacts (array) : des millions d'arcs au niveau national.
    origines = array("i", noeud_projet.values())
    arrivees = array("i", [1] * len(cap))
    debits = array("q", cap.values())
    for voeux in eligibles.values():
        if not voeux:
            continue
        origines.append(0)
        arrivees.append(suivant)
        for pid, _, _ in voeux:
            origines.append(suivant)
            arrivees.append(noeud_projet[pid])
        suivant += 1
    if suivant == 2 + len(cap):
        return 0
    debits.extend([1] * (len(origines) - len(debits)))
    flot.add_arcs_with_capacity(
        np.frombuffer(origines, dtype=np.int32),
        np.frombuffer(arrivees, dtype=np.int32),
        np.frombuffer(debits, dtype=np.int64),
    )
    flot.solve(0, 1)
    return int(flot.optimal_flow())


def paires_envie_justifiee(
    session: Session,
    resultat: ResultatAffectation,
    priorites: Priorites,
    avec_reserves: bool = True,
    eligibles: dict[str, list[tuple[str, int, float]]] | None = None,
) -> int:
    """Nombre de paires (i, j) où i préfère le projet p de j à sa propre affectation, p est
    éligible pour i, et i passe avant j au barème. Avec `avec_reserves`, l'envie n'est
    pas justifiée quand j est d'un autre genre et protégé par une place réservée (son
    genre n'a pas plus que sa réserve dans p) : c'est la définition de la stabilité
    avec places réservées. Sans, on compte aussi ces paires (coût de la mixité)."""
    occupants: dict[str, list[str]] = defaultdict(list)
    for eid, pid in resultat.placees.items():
        occupants[pid].append(eid)
    eleves = session.eleves
    cles_triees: dict[str, dict[str, list[tuple[int, int, int]]]] = {}
    for pid, liste in occupants.items():
        par_genre: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        projet = session.projets[pid]
        for eid in liste:
            cle = priorites.cle(eid, haversine_km(eleves[eid].point, projet.point))
            par_genre[eleves[eid].genre if eleves[eid].genre in ("F", "M") else ""].append(cle)
        cles_triees[pid] = {g: sorted(c) for g, c in par_genre.items()}
    total = 0
    if eligibles is None:
        eligibles = eligibles_reference(session)
    for eid, voeux in eligibles.items():
        affectation = resultat.affectations.get(eid)
        rang_actuel = affectation.rang if affectation and affectation.rang else 10**9
        genre_i = eleves[eid].genre if eleves[eid].genre in ("F", "M") else ""
        for pid, rang, distance in voeux:
            if rang >= rang_actuel or pid not in cles_triees:
                continue
            cle_i = priorites.cle(eid, distance)
            reserves = priorites.reserves.get(pid, {})
            for genre_j, cles in cles_triees[pid].items():
                protege = (
                    avec_reserves
                    and genre_j != genre_i
                    and genre_j in reserves
                    and len(cles) <= reserves[genre_j]
                )
                if not protege:
                    total += len(cles) - bisect.bisect_right(cles, cle_i)
    return total


def calculer_indicateurs(
    session: Session,
    affectations: dict[str, tuple[str, int] | None],
    capacites: dict[str, int],
    seuil_mixite_pct: int = 30,
) -> Indicateurs:
    """Indicateurs d'une affectation (élève → (projet, rang) ou None)."""
    n = len(session.eleves)
    places = sum(1 for a in affectations.values() if a is not None)
    premier = sum(1 for a in affectations.values() if a is not None and a[1] == 1)
    rangs = [a[1] for a in affectations.values() if a is not None]
    compte: dict[tuple[str, bool], list[int]] = defaultdict(lambda: [0, 0])
    demandeurs: dict[str, set[str]] = defaultdict(set)
    genres_places: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    distances: list[float] = []
    for eleve in session.eleves.values():
        a = affectations.get(eleve.id)
        for critere, valeur in (("boursier", eleve.boursier), ("rural", eleve.rural)):
            compte[critere, valeur][0] += 1
            compte[critere, valeur][1] += a is not None
        if eleve.genre in ("F", "M"):
            for pid in eleve.voeux:
                demandeurs[pid].add(eleve.genre)
        if a is not None:
            if eleve.genre in ("F", "M"):
                genres_places[a[0]][eleve.genre == "M"] += 1
            distances.append(haversine_km(eleve.point, session.projets[a[0]].point))

    def taux(critere: str, valeur: bool) -> float:
        total, places_c = compte[critere, valeur]
        return _pourcent(places_c, total)

    deux = [p for p, g in demandeurs.items() if len(g) == 2 and sum(genres_places[p]) > 0]
    mixtes = [
        p for p in deux if 100 * min(genres_places[p]) >= seuil_mixite_pct * sum(genres_places[p])
    ]
    ind = Indicateurs(
        eleves=n,
        places=sum(capacites.values()),
        eleves_places=places,
        premier_voeu=premier,
        rang_moyen=sum(rangs) / len(rangs) if rangs else 0.0,
        taux_placement=_pourcent(places, n),
        taux_premier_voeu=_pourcent(premier, n),
        taux_boursiers=taux("boursier", True),
        taux_non_boursiers=taux("boursier", False),
        taux_ruraux=taux("rural", True),
        taux_non_ruraux=taux("rural", False),
        projets_deux_genres=len(deux),
        projets_mixtes=len(mixtes),
        part_mixite=_pourcent(len(mixtes), len(deux)) if deux else 100.0,
        distance_moyenne_km=sum(distances) / len(distances) if distances else 0.0,
        distance_max_km=max(distances, default=0.0),
    )
    ecarts = []
    if compte["boursier", True][0] and compte["boursier", False][0]:
        ecarts.append(ind.taux_non_boursiers - ind.taux_boursiers)
    if compte["rural", True][0] and compte["rural", False][0]:
        ecarts.append(ind.taux_non_ruraux - ind.taux_ruraux)
    ind.ecart_egalite = max(ecarts, default=0.0)
    return ind


def texte_rapport(
    resultat: ResultatAffectation, borne: int | None = None, detail_raisons: bool = True
) -> str:
    """Le rapport d'allocation, en français et aux formats français (`moteur.francais` :
    « vœu », `1 234`, `16,9 %`, espaces insécables), sans aucune donnée personnelle.

    `borne` : le flot maximum (`borne_max_flot`), écrit s'il est donné. `detail_raisons` :
    le nombre de non-placés par raison (sinon leur nombre seulement, comme sur la page d'un
    travail de la plateforme, qui détaille les raisons dans son propre tableau)."""
    i = resultat.indicateurs
    lignes = [
        f"Allocation « {resultat.politique} » (graine {resultat.graine})",
        f"- élèves placés : {nombre_fr(i.eleves_places)} sur {nombre_fr(i.eleves)} "
        f"({pourcent_fr(i.taux_placement)}), pour {nombre_fr(i.places)} places",
    ]
    if borne is not None:
        lignes.append(f"- au mieux possible (flot maximum) : {nombre_fr(borne)} élèves")
    lignes += [
        f"- premier vœu : {nombre_fr(i.premier_voeu)} élèves "
        f"({pourcent_fr(i.taux_premier_voeu)} des élèves) ; "
        f"rang moyen obtenu : {nombre_fr(i.rang_moyen, 2)}",
        f"- boursiers placés : {pourcent_fr(i.taux_boursiers)} "
        f"(autres : {pourcent_fr(i.taux_non_boursiers)})",
        f"- élèves de communes rurales placés : {pourcent_fr(i.taux_ruraux)} "
        f"(autres : {pourcent_fr(i.taux_non_ruraux)})",
        f"- écart d'égalité des chances : {en_points_fr(i.ecart_egalite)} "
        "(négatif : les publics prioritaires sont mieux placés)",
        f"- mixité : {nombre_fr(i.projets_mixtes)} projets sur "
        f"{nombre_fr(i.projets_deux_genres)} demandés par les deux genres sans genre sous le "
        f"seuil ({pourcent_fr(i.part_mixite)})",
        f"- distance domicile → rendez-vous : {km_fr(i.distance_moyenne_km)} en moyenne, "
        f"{km_fr(i.distance_max_km)} au plus",
    ]
    if resultat.sans_egalite is not None:
        s = resultat.sans_egalite
        lignes.append(
            "- premier vœu sans l'égalité des chances (même flot, même nombre de placés) : "
            f"{nombre_fr(s.premier_voeu)} élèves ({pourcent_fr(s.taux_premier_voeu)} des "
            f"élèves), contre {pourcent_fr(i.taux_premier_voeu)} ; boursiers "
            f"{pourcent_fr(s.taux_boursiers)} (autres {pourcent_fr(s.taux_non_boursiers)}), "
            f"ruraux {pourcent_fr(s.taux_ruraux)} (autres {pourcent_fr(s.taux_non_ruraux)})"
        )
    lignes += [f"- {constat}" for constat in resultat.constats_egalite]
    if resultat.raisons and not detail_raisons:
        lignes.append(f"- non placés : {nombre_fr(len(resultat.raisons))}")
    elif resultat.raisons:
        lignes.append(f"- non placés : {nombre_fr(len(resultat.raisons))}, par raison :")
        par_raison: dict[str, int] = defaultdict(int)
        for raison in resultat.raisons.values():
            par_raison[raison] += 1
        for raison, nombre in sorted(par_raison.items(), key=lambda x: (-x[1], x[0])):
            # Les raisons sont des données (comparées telles quelles par la plateforme) :
            # relues ici à la française (« vœu », `37,5 km` avec une espace insécable).
            lignes.append(f"  · {nombre_fr(nombre)} : {texte_fr(raison, insecables=True)}")
    return "\n".join(lignes)


def indicateurs_instance(
    instance: Instance, projet: np.ndarray, seuil_mixite_pct: int = 30
) -> Indicateurs:
    """Mêmes indicateurs que `calculer_indicateurs`, en tableaux (échelle nationale).
    `projet` : indice du projet de chaque élève, -1 si non placé."""
    n = instance.nb_eleves
    place = projet >= 0
    voeu_pris = projet[instance.v_eleve] == instance.v_projet
    rangs = instance.v_rang[voeu_pris]
    distances = instance.v_distance[voeu_pris]
    genre = instance.genre.astype(np.int64)
    deux_genres = (instance.demandeurs[:, 0] > 0) & (instance.demandeurs[:, 1] > 0)
    par_genre = np.zeros((instance.nb_projets, 2), dtype=np.int64)
    connu = place & (genre < 2)
    np.add.at(par_genre, (projet[connu], genre[connu]), 1)
    total = par_genre.sum(axis=1)
    retenus = deux_genres & (total > 0)
    mixtes = retenus & (100 * par_genre.min(axis=1) >= seuil_mixite_pct * total)

    def taux(masque: np.ndarray) -> float:
        return _pourcent(int((place & masque).sum()), int(masque.sum()))

    ind = Indicateurs(
        eleves=n,
        places=int(instance.capacite.sum()),
        eleves_places=int(place.sum()),
        premier_voeu=int((rangs == 1).sum()),
        rang_moyen=float(rangs.mean()) if len(rangs) else 0.0,
        taux_placement=_pourcent(int(place.sum()), n),
        taux_premier_voeu=_pourcent(int((rangs == 1).sum()), n),
        taux_boursiers=taux(instance.boursier),
        taux_non_boursiers=taux(~instance.boursier),
        taux_ruraux=taux(instance.rural),
        taux_non_ruraux=taux(~instance.rural),
        projets_deux_genres=int(retenus.sum()),
        projets_mixtes=int(mixtes.sum()),
        part_mixite=_pourcent(int(mixtes.sum()), int(retenus.sum())) if retenus.any() else 100.0,
        distance_moyenne_km=float(distances.mean()) if len(distances) else 0.0,
        distance_max_km=float(distances.max()) if len(distances) else 0.0,
    )
    ecarts = []
    if instance.boursier.any() and not instance.boursier.all():
        ecarts.append(ind.taux_non_boursiers - ind.taux_boursiers)
    if instance.rural.any() and not instance.rural.all():
        ecarts.append(ind.taux_non_ruraux - ind.taux_ruraux)
    ind.ecart_egalite = max(ecarts, default=0.0)
    return ind
