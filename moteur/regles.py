"""Les six règles dures d'un plan (format/README.md), une fonction chacune.

Chaque règle est une fonction pure `(session, plan) -> list[Violation]`, appelée par la
commande `check`, les tests, les moteurs et la plateforme (liste de vigilance). Elles
passent à l'échelle nationale (560 000 élèves) : un seul passage sur les élèves, les
contrôles d'âge se font sur le plus jeune de chaque groupe.

La règle 0 regroupe la cohérence du plan lui-même : chaque élève une fois, un rang qui
correspond à ses vœux, un groupe pour chaque élève placé, pas de groupe planifié sans élève.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from moteur.distances import haversine_km
from moteur.modele import Eleve, LignePlanning, Plan, Projet, Session
from moteur.transport.acces import Acces, atteignables
from moteur.transport.parametres import de_la_session, jour_de_calcul

TOLERANCE_KM = 1e-9
REGLE_COHERENCE = 0
TITRES_REGLES = {
    0: "cohérence du plan",
    1: "vœux",
    2: "places",
    3: "planning complet",
    4: "capacité et jours des structures",
    5: "âge minimum",
    6: "distance",
}
JOURS_SEMAINE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True, slots=True)
class Violation:
    """Un manquement à une règle, décrit en français (identifiants pseudonymes seulement)."""

    regle: int
    message: str
    projet_id: str = ""
    groupe: str = ""
    eleve_id: str = ""
    structure_id: str = ""
    date: date | None = None

    def __str__(self) -> str:
        return f"Règle {self.regle} ({TITRES_REGLES.get(self.regle, '?')}) : {self.message}"


@dataclass(slots=True)
class IndexPlan:
    """Le plan rangé par groupe, calculé une fois pour toutes les règles."""

    # (projet, groupe) -> élèves placés (connus de la session), dans l'ordre du plan
    membres: dict[tuple[str, str], list[Eleve]] = field(default_factory=dict)
    # (projet, groupe) -> lignes de planning
    lignes: dict[tuple[str, str], list[LignePlanning]] = field(default_factory=dict)


def indexer(session: Session, plan: Plan) -> IndexPlan:
    index = IndexPlan()
    eleves = session.eleves
    membres: defaultdict[tuple[str, str], list[Eleve]] = defaultdict(list)
    for a in plan.affectations.values():
        eleve = eleves.get(a.eleve_id)
        if a.projet_id is not None and eleve is not None:
            membres[(a.projet_id, a.groupe)].append(eleve)
    lignes: defaultdict[tuple[str, str], list[LignePlanning]] = defaultdict(list)
    for ligne in plan.planning:
        lignes[(ligne.projet_id, ligne.groupe)].append(ligne)
    index.membres = dict(membres)
    index.lignes = dict(lignes)
    return index


def _jour(d: date) -> str:
    return f"{JOURS_SEMAINE[d.weekday()]} {d.isoformat()}"


def _km(distance: float) -> str:
    return f"{distance:.2f}".replace(".", ",") + " km"


def _groupe(projet_id: str, groupe: str) -> str:
    return f"projet {projet_id}, groupe « {groupe} »"


# --- Cohérence du plan -------------------------------------------------------------------


def verifier_coherence(
    session: Session, plan: Plan, index: IndexPlan | None = None
) -> list[Violation]:
    """Chaque élève une fois, rang cohérent, groupe pour chaque placé, pas de groupe vide."""
    index = index or indexer(session, plan)
    violations: list[Violation] = []
    r = REGLE_COHERENCE
    for eleve_id in session.eleves:
        if eleve_id in plan.affectations:
            continue
        violations.append(
            Violation(
                r, f"l'élève {eleve_id} n'a pas de ligne dans les affectations", eleve_id=eleve_id
            )
        )
    projets = session.projets
    for cle, a in plan.affectations.items():
        eleve = session.eleves.get(cle)
        projet_id, rang = a.projet_id, a.rang
        if eleve is not None and a.eleve_id == cle:  # chemin rapide : tout est en ordre
            if projet_id is None:
                if rang is None and not a.groupe:
                    continue
            elif (
                a.groupe
                and projet_id in projets
                and rang is not None
                and 0 < rang <= len(eleve.voeux)
                and eleve.voeux[rang - 1] == projet_id
            ):
                continue
        if eleve is None or a.eleve_id != cle:
            violations.append(
                Violation(
                    r, f"l'élève {cle} des affectations n'existe pas dans la session", eleve_id=cle
                )
            )
            continue
        violations.extend(_coherence_affectation(session, eleve, a.projet_id, a.rang, a.groupe))
    for projet_id, groupe in sorted(index.lignes.keys() - index.membres.keys()):
        violations.append(
            Violation(
                r,
                f"{_groupe(projet_id, groupe)} : planifié mais aucun élève n'y est affecté",
                projet_id,
                groupe,
            )
        )
    return violations


def _coherence_affectation(
    session: Session, eleve: Eleve, projet_id: str | None, rang: int | None, groupe: str
) -> list[Violation]:
    r, e = REGLE_COHERENCE, eleve.id
    if projet_id is None:
        if rang is not None or groupe:
            return [
                Violation(r, f"l'élève {e} n'est pas placé mais a un rang ou un groupe", eleve_id=e)
            ]
        return []
    resultat = []
    if projet_id not in session.projets:
        resultat.append(
            Violation(
                r,
                f"l'élève {e} est placé sur le projet {projet_id}, inconnu de la session",
                projet_id,
                eleve_id=e,
            )
        )
    if not groupe:
        resultat.append(
            Violation(
                r,
                f"l'élève {e} est placé sur le projet {projet_id} sans groupe",
                projet_id,
                eleve_id=e,
            )
        )
    if projet_id in eleve.voeux:
        attendu = eleve.voeux.index(projet_id) + 1
        if rang != attendu:
            resultat.append(
                Violation(
                    r,
                    f"l'élève {e} : rang {rang if rang is not None else 'vide'} pour le projet "
                    f"{projet_id}, qui est son vœu n° {attendu}",
                    projet_id,
                    groupe,
                    e,
                )
            )
    return resultat


# --- Les six règles ----------------------------------------------------------------------


def regle_1_voeux(session: Session, plan: Plan) -> list[Violation]:
    """Un élève placé l'est sur un seul projet, qui est l'un de ses vœux."""
    violations = []
    for a in plan.affectations.values():
        if a.projet_id is None:
            continue
        eleve = session.eleves.get(a.eleve_id)
        if eleve is not None and a.projet_id not in eleve.voeux:
            voeux = "|".join(eleve.voeux)
            violations.append(
                Violation(
                    1,
                    f"l'élève {eleve.id} est placé sur le projet {a.projet_id}, qui n'est pas "
                    f"dans ses vœux ({voeux})",
                    a.projet_id,
                    a.groupe,
                    eleve.id,
                )
            )
    return violations


def regle_2_places(session: Session, plan: Plan) -> list[Violation]:
    """Un projet accueille au plus `places` élèves."""
    effectifs = Counter(a.projet_id for a in plan.affectations.values() if a.projet_id)
    violations = []
    for projet_id, effectif in effectifs.items():
        projet = session.projets.get(projet_id)
        if projet is not None and effectif > projet.places:
            violations.append(
                Violation(
                    2,
                    f"le projet {projet_id} « {projet.nom} » compte {effectif} élèves pour "
                    f"{projet.places} places ({effectif - projet.places} de trop)",
                    projet_id,
                )
            )
    return violations


def regle_3_planning_complet(
    session: Session, plan: Plan, index: IndexPlan | None = None
) -> list[Violation]:
    """Chaque groupe a exactement une structure du projet par jour ouvré de la session."""
    index = index or indexer(session, plan)
    jours = session.jours
    ouvres = set(jours)
    violations: list[Violation] = []
    for cle in sorted(index.membres.keys() | index.lignes.keys()):
        projet_id, groupe = cle
        projet = session.projets.get(projet_id)
        lignes = index.lignes.get(cle, [])
        if not lignes:
            effectif = len(index.membres.get(cle, ()))
            violations.append(
                Violation(
                    3,
                    f"{_groupe(projet_id, groupe)} ({effectif} élèves) : aucune ligne de planning",
                    projet_id,
                    groupe,
                )
            )
            continue
        par_jour: defaultdict[date, list[str]] = defaultdict(list)
        for ligne in lignes:
            par_jour[ligne.date].append(ligne.structure_id)
            if projet is not None and ligne.structure_id not in projet.structures:
                violations.append(
                    Violation(
                        3,
                        f"{_groupe(projet_id, groupe)}, {_jour(ligne.date)} : la structure "
                        f"{ligne.structure_id} n'appartient pas au projet (structures : "
                        f"{'|'.join(projet.structures)})",
                        projet_id,
                        groupe,
                        structure_id=ligne.structure_id,
                        date=ligne.date,
                    )
                )
        for jour in jours:
            structures = par_jour.get(jour)
            if not structures:
                violations.append(
                    Violation(
                        3,
                        f"{_groupe(projet_id, groupe)} : aucune structure le {_jour(jour)}",
                        projet_id,
                        groupe,
                        date=jour,
                    )
                )
            elif len(structures) > 1:
                violations.append(
                    Violation(
                        3,
                        f"{_groupe(projet_id, groupe)} : {len(structures)} lignes le {_jour(jour)} "
                        f"({', '.join(structures)}) au lieu d'une",
                        projet_id,
                        groupe,
                        date=jour,
                    )
                )
        for jour in sorted(par_jour.keys() - ouvres):
            violations.append(
                Violation(
                    3,
                    f"{_groupe(projet_id, groupe)} : le {_jour(jour)} "
                    "n'est pas un jour ouvré de la session",
                    projet_id,
                    groupe,
                    date=jour,
                )
            )
    return violations


def regle_4_capacite_et_jours(
    session: Session, plan: Plan, index: IndexPlan | None = None
) -> list[Violation]:
    """Capacité d'accueil par jour, jours d'accueil permis et nombre de jours distincts."""
    index = index or indexer(session, plan)
    presents: defaultdict[tuple[str, date], list[tuple[str, str, int]]] = defaultdict(list)
    dates: defaultdict[str, set[date]] = defaultdict(set)
    violations: list[Violation] = []
    for cle, lignes in index.lignes.items():
        effectif = len(index.membres.get(cle, ()))
        for ligne in lignes:
            presents[(ligne.structure_id, ligne.date)].append((*cle, effectif))
            dates[ligne.structure_id].add(ligne.date)
    for (structure_id, jour), groupes in sorted(presents.items()):
        structure = session.structures.get(structure_id)
        total = sum(n for _, _, n in groupes)
        if structure is not None and total > structure.accueil_max:
            detail = " ; ".join(f"{_groupe(p, g)} : {n}" for p, g, n in groupes)
            violations.append(
                Violation(
                    4,
                    f"structure {structure_id} « {structure.nom} », {_jour(jour)} : {total} élèves "
                    f"présents pour un accueil maximum de {structure.accueil_max} ({detail})",
                    structure_id=structure_id,
                    date=jour,
                )
            )
    for structure_id, utilises in sorted(dates.items()):
        structure = session.structures.get(structure_id)
        if structure is None:
            continue
        if structure.jours:
            hors = sorted(utilises - set(structure.jours))
            if hors:
                violations.append(
                    Violation(
                        4,
                        f"structure {structure_id} « {structure.nom} » : accueille le "
                        f"{', '.join(d.isoformat() for d in hors)}, hors de ses jours d'accueil "
                        f"({'|'.join(d.isoformat() for d in structure.jours)})",
                        structure_id=structure_id,
                        date=hors[0],
                    )
                )
        if structure.jours_max is not None and len(utilises) > structure.jours_max:
            violations.append(
                Violation(
                    4,
                    f"structure {structure_id} « {structure.nom} » : accueille {len(utilises)} "
                    f"jours distincts pour un maximum de {structure.jours_max}",
                    structure_id=structure_id,
                )
            )
    return violations


def ne_au_plus_tard(jour: date, age: int) -> date:
    """La date de naissance la plus récente qui donne `age` ans révolus le `jour`."""
    try:
        return jour.replace(year=jour.year - age)
    except ValueError:  # 29 février vers une année non bissextile
        return jour.replace(year=jour.year - age, day=28)


def regle_5_age(session: Session, plan: Plan, index: IndexPlan | None = None) -> list[Violation]:
    """Aucun élève dans une structure dont il n'a pas l'âge minimum ce jour-là."""
    index = index or indexer(session, plan)
    violations: list[Violation] = []
    seuils: dict[tuple[date, int], date] = {}
    for cle, lignes in index.lignes.items():
        membres = index.membres.get(cle)
        if not membres:
            continue
        plus_jeune = max(e.date_naissance for e in membres)
        for ligne in lignes:
            structure = session.structures.get(ligne.structure_id)
            if structure is None:
                continue
            cle_seuil = (ligne.date, structure.age_min)
            seuil = seuils.get(cle_seuil)
            if seuil is None:
                seuil = seuils[cle_seuil] = ne_au_plus_tard(*cle_seuil)
            if plus_jeune <= seuil:
                continue
            for eleve in membres:
                age = eleve.age_le(ligne.date)
                if age < structure.age_min:
                    violations.append(
                        Violation(
                            5,
                            f"l'élève {eleve.id} ({age} ans le {ligne.date.isoformat()}) est à la "
                            f"structure {structure.id} qui demande {structure.age_min} ans "
                            f"({_groupe(*cle)})",
                            cle[0],
                            cle[1],
                            eleve.id,
                            structure.id,
                            ligne.date,
                        )
                    )
    return violations


def regle_6_distance(session: Session, plan: Plan, acces: Acces | None = None) -> list[Violation]:
    """Aucun élève placé à plus de `distance_max_km` de chez lui (ou de son lycée) ; avec un
    flux GTFS (`session.json` : gtfs, duree_max_min, arrivee), aussi : un trajet en
    transport en commun ou à pied arrive au point de rendez-vous au plus tard à `arrivee`,
    en au plus `duree_max_min` minutes (voir `moteur.transport.acces`). `acces` : des
    durées déjà calculées (les paires qui y manquent sont calculées ici)."""
    maximum = session.parametres.distance_max_km
    violations = []
    places: list[tuple[Eleve, Projet, str]] = []
    for a in plan.affectations.values():
        if a.projet_id is None:
            continue
        eleve = session.eleves.get(a.eleve_id)
        projet = session.projets.get(a.projet_id)
        if eleve is None or projet is None:
            continue
        places.append((eleve, projet, a.groupe))
        distance = haversine_km(eleve.point, projet.point)
        if distance > maximum + TOLERANCE_KM:
            violations.append(
                Violation(
                    6,
                    f"l'élève {eleve.id} est placé sur le projet {projet.id} à {_km(distance)} de "
                    f"son domicile (commune {eleve.commune_insee}) ; maximum {_km(maximum)}",
                    projet.id,
                    a.groupe,
                    eleve.id,
                )
            )
    return violations + _regle_6_transport(session, places, acces)


def _regle_6_transport(
    session: Session, places: list[tuple[Eleve, Projet, str]], acces: Acces | None
) -> list[Violation]:
    transport = de_la_session(session)
    if transport is None:
        return []
    manquantes = [
        (e.id, p.id) for e, p, _ in places if acces is None or (e.id, p.id) not in acces.durees
    ]
    calcule = atteignables(session, manquantes) if manquantes else None
    violations = []
    jour = _jour(jour_de_calcul(session))
    limite = f"au plus tard à {transport.arrivee:%H:%M}, en {transport.duree_max_min} min au plus"
    for eleve, projet, groupe in places:
        cle = (eleve.id, projet.id)
        source = acces if acces is not None and cle in acces.durees else calcule
        if source is not None and source.atteint(*cle):
            continue
        violations.append(
            Violation(
                6,
                f"l'élève {eleve.id} (commune {eleve.commune_insee}) n'atteint pas le point de "
                f"rendez-vous du projet {projet.id} en transport en commun ou à pied en "
                f"arrivant {limite} (horaires du {jour})",
                projet.id,
                groupe,
                eleve.id,
            )
        )
    return violations


def verifier(session: Session, plan: Plan, acces: Acces | None = None) -> list[Violation]:
    """Toutes les violations : cohérence (règle 0) puis règles 1 à 6, dans cet ordre.
    `acces` : les durées de trajet déjà calculées (celles de l'affectation, dans `plan`) ;
    None : la règle 6 les calcule pour les seuls élèves placés (session avec GTFS)."""
    index = indexer(session, plan)
    return [
        *verifier_coherence(session, plan, index),
        *regle_1_voeux(session, plan),
        *regle_2_places(session, plan),
        *regle_3_planning_complet(session, plan, index),
        *regle_4_capacite_et_jours(session, plan, index),
        *regle_5_age(session, plan, index),
        *regle_6_distance(session, plan, acces),
    ]
