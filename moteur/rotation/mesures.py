"""Mesures d'un planning (critères « soft » du format) et score pondéré du modèle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from statistics import mean

from moteur.distances import haversine_km
from moteur.modele import LignePlanning, Session
from moteur.rotation.groupes import Groupe
from moteur.rotation.modele_cpsat import Poids, jours_consecutifs, structure_porteur


@dataclass(frozen=True, slots=True)
class MesuresPlanning:
    groupes: int
    domaines_par_groupe: float  # moyenne des domaines ROME distincts découverts
    changements_par_groupe: float  # changements de structure entre jours consécutifs
    km_par_changement: float  # distance moyenne entre structures de jours consécutifs
    charge: float  # journées d'ouverture utilisées / offertes (structures utilisées)


def mesurer(session: Session, planning: list[LignePlanning]) -> MesuresPlanning:
    parcours: dict[tuple[str, str], dict[date, str]] = {}
    for ligne in planning:
        parcours.setdefault((ligne.projet_id, ligne.groupe), {})[ligne.date] = ligne.structure_id
    consecutifs = jours_consecutifs(session.jours)
    domaines, changements, distances = [], [], []
    for jours in parcours.values():
        vus = {d for sid in jours.values() for d in session.structures[sid].domaines}
        domaines.append(len(vus))
        n = 0
        for a, b in consecutifs:
            if a in jours and b in jours and jours[a] != jours[b]:
                n += 1
                distances.append(
                    haversine_km(
                        session.structures[jours[a]].point, session.structures[jours[b]].point
                    )
                )
        changements.append(n)
    utilises: dict[str, set[date]] = {}
    for ligne in planning:
        utilises.setdefault(ligne.structure_id, set()).add(ligne.date)
    offerts = 0
    for sid in utilises:
        s = session.structures[sid]
        possibles = len(s.jours_possibles(session.jours))
        offerts += possibles if s.jours_max is None else min(possibles, s.jours_max)
    return MesuresPlanning(
        groupes=len(parcours),
        domaines_par_groupe=mean(domaines) if domaines else 0.0,
        changements_par_groupe=mean(changements) if changements else 0.0,
        km_par_changement=mean(distances) if distances else 0.0,
        charge=sum(len(j) for j in utilises.values()) / offerts if offerts else 0.0,
    )


def decouverte_par_projet(
    session: Session, planning: list[LignePlanning]
) -> dict[str, tuple[int, int]]:
    """Par projet : (somme sur ses groupes des domaines ROME distincts découverts, nombre de
    groupes) ; la moyenne de `mesurer` est la somme des premiers sur celle des seconds."""
    vus: dict[tuple[str, str], set[str]] = {}
    for ligne in planning:
        domaines = session.structures[ligne.structure_id].domaines
        vus.setdefault((ligne.projet_id, ligne.groupe), set()).update(domaines)
    par_projet: dict[str, tuple[int, int]] = {}
    for (pid, _groupe), decouverts in sorted(vus.items()):
        somme, groupes = par_projet.get(pid, (0, 0))
        par_projet[pid] = (somme + len(decouverts), groupes + 1)
    return par_projet


def score_planning(
    session: Session,
    groupes: list[Groupe],
    planning: list[LignePlanning],
    poids: Poids,
    jours_porteur: tuple[date, ...] = (),
) -> int:
    """Le score du modèle CP-SAT (`modele_cpsat`), recalculé sur un planning donné.

    Sert à comparer à armes égales le glouton et le solveur (même objectif pondéré) et
    à vérifier que le modèle calcule bien ce que docs/rotation.md annonce.
    """
    parcours: dict[tuple[str, str], dict[date, str]] = {}
    for ligne in planning:
        parcours.setdefault((ligne.projet_id, ligne.groupe), {})[ligne.date] = ligne.structure_id
    consecutifs = set(jours_consecutifs(session.jours))
    score = 0
    minimum: dict[str, int] = {}
    for g in groupes:
        jours = parcours.get((g.projet_id, g.libelle), {})
        suite = [jours[j] for j in session.jours if j in jours]
        vus = {d for sid in suite for d in session.structures[sid].domaines}
        score += poids.diversite * len(vus)
        minimum[g.projet_id] = min(minimum.get(g.projet_id, len(vus)), len(vus))
        entrees = 1 if suite else 0
        for a, b in pairwise(session.jours):
            if a in jours and b in jours and jours[a] != jours[b]:
                entrees += 1
                if (a, b) in consecutifs:
                    h1, h2 = session.structures[jours[a]], session.structures[jours[b]]
                    score -= poids.changement + round(poids.km * haversine_km(h1.point, h2.point))
        score -= poids.retour * (entrees - len(set(suite)))
        porteur = structure_porteur(session, g.projet_id)
        score += poids.porteur * sum(1 for j in jours_porteur if jours.get(j) == porteur)
    score += poids.equite * sum(minimum.values())
    score -= poids.charge * len({(lg.structure_id, lg.date) for lg in planning})
    return score
