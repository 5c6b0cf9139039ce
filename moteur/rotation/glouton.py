"""Rotation gloutonne : base de comparaison du benchmark (pas d'optimisation globale).

Jour après jour, chaque groupe garde sa structure de la veille pendant au plus
`BLOC_JOURS` jours si elle l'accueille encore ; sinon il prend, parmi les structures
autorisées (jour, âge, place restante, jours_max), celle qui lui apporte le plus de
domaines nouveaux, puis la plus proche de celle de la veille.
"""

from __future__ import annotations

from datetime import date

from moteur.distances import haversine_km
from moteur.modele import Affectation, LignePlanning, Session, StructureAccueil
from moteur.rotation.capacite import composantes, structures_du_projet
from moteur.rotation.commun import (
    EchecProjet,
    ResultatRotation,
    StatsComposante,
    eleves_par_projet,
    former_groupes,
)
from moteur.rotation.groupes import Groupe

BLOC_JOURS = 2


class _Etat:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.jours = session.jours  # calculé une fois (la propriété le recalcule à chaque appel)
        self.possibles: dict[str, frozenset[date]] = {}  # jours possibles par structure
        self.presents: dict[tuple[str, date], int] = {}
        self.jours_ouverts: dict[str, set[date]] = {}

    def accepte(self, h: StructureAccueil, groupe: Groupe, jour: date) -> bool:
        possibles = self.possibles.get(h.id)
        if possibles is None:
            possibles = self.possibles[h.id] = frozenset(h.jours_possibles(self.jours))
        if jour not in possibles or (h.id, jour) in groupe.interdits:
            return False
        if self.presents.get((h.id, jour), 0) + groupe.taille > h.accueil_max:
            return False
        ouverts = self.jours_ouverts.get(h.id, set())
        return jour in ouverts or h.jours_max is None or len(ouverts) < h.jours_max

    def placer(self, h: StructureAccueil, groupe: Groupe, jour: date) -> None:
        self.presents[h.id, jour] = self.presents.get((h.id, jour), 0) + groupe.taille
        self.jours_ouverts.setdefault(h.id, set()).add(jour)


def _choisir(
    etat: _Etat, groupe: Groupe, jour: date, parcours: list[StructureAccueil]
) -> StructureAccueil | None:
    structures = structures_du_projet(etat.session, etat.session.projets[groupe.projet_id])
    candidates = [h for h in structures if etat.accepte(h, groupe, jour)]
    if not candidates:
        return None
    veille = parcours[-1] if parcours else None
    if veille in candidates:
        bloc = 0
        for h in reversed(parcours):
            if h is not veille:
                break
            bloc += 1
        if bloc < BLOC_JOURS:
            return veille
    vus = {d for h in parcours for d in h.domaines}
    visitees = {h.id for h in parcours}

    def cle(h: StructureAccueil) -> tuple[int, bool, float, str]:
        nouveaux = len(set(h.domaines) - vus)
        distance = haversine_km(veille.point, h.point) if veille else 0.0
        return (-nouveaux, h.id in visitees, distance, h.id)

    return min(candidates, key=cle)


def rotation_gloutonne(session: Session, affectations: dict[str, Affectation]) -> ResultatRotation:
    """Même entrée et même sortie que `planifier_rotation`, sans solveur."""
    resultat = ResultatRotation()
    a_faire: dict[str, list[Groupe]] = {}
    for pid, eleves in eleves_par_projet(session, affectations).items():
        groupes, raisons = former_groupes(session, pid, eleves)
        if raisons:
            concernes = tuple(dict.fromkeys(e for r in raisons for e in r.eleves)) or tuple(eleves)
            resultat.echecs[pid] = EchecProjet(pid, tuple(r.message for r in raisons), concernes)
        else:
            a_faire[pid] = groupes
    etat = _Etat(session)
    for comp in composantes(session, list(a_faire)):
        for pid in comp:
            _projet(etat, pid, a_faire[pid], resultat)
        resultat.composantes.append(StatsComposante(tuple(comp), "glouton", None, None, 0.0))
    for groupes in resultat.groupes.values():
        for groupe in groupes:
            for eid in groupe.eleves:
                affectations[eid].groupe = groupe.libelle
    return resultat


def _projet(etat: _Etat, pid: str, groupes: list[Groupe], resultat: ResultatRotation) -> None:
    parcours: dict[str, list[StructureAccueil]] = {g.libelle: [] for g in groupes}
    lignes = []
    for jour in etat.jours:
        for groupe in groupes:
            h = _choisir(etat, groupe, jour, parcours[groupe.libelle])
            if h is None:
                eleves = tuple(e for g in groupes for e in g.eleves)
                message = f"le glouton n'a trouvé aucune structure pour {groupe.libelle}"
                resultat.echecs[pid] = EchecProjet(pid, (message,), eleves)
                return
            etat.placer(h, groupe, jour)
            parcours[groupe.libelle].append(h)
            lignes.append(LignePlanning(pid, groupe.libelle, jour, h.id))
    resultat.planning.extend(lignes)
    resultat.groupes[pid] = groupes


def planning_glouton(session: Session, groupes: list[Groupe]) -> list[LignePlanning]:
    """Rotation gloutonne de groupes déjà formés (sert d'indice au solveur) ; [] si échec."""
    resultat = _glouton_groupes(session, groupes)
    return [] if resultat.echecs else resultat.planning


def echecs_glouton(session: Session, groupes: list[Groupe]) -> set[str]:
    """Projets que le glouton ne sait pas planifier avec ces groupes."""
    return set(_glouton_groupes(session, groupes).echecs)


def _glouton_groupes(session: Session, groupes: list[Groupe]) -> ResultatRotation:
    resultat = ResultatRotation()
    etat = _Etat(session)
    par_projet: dict[str, list[Groupe]] = {}
    for g in groupes:
        par_projet.setdefault(g.projet_id, []).append(g)
    for pid, gs in par_projet.items():
        _projet(etat, pid, gs, resultat)
    return resultat
