"""Le modèle CP-SAT de la rotation d'une composante de projets (voir docs/rotation.md).

Variables : y[g, h, d] = 1 si le groupe g passe le jour d dans la structure h ;
o[h, d] = 1 si la structure h accueille le jour d. Contraintes dures (règles 3, 4, 5) :
- chaque groupe a exactement une structure de son projet chaque jour ouvré ;
- Σ taille(g) · y[g, h, d] ≤ accueil_max[h] · o[h, d] (tous projets confondus) ;
- y n'existe que les jours autorisés de h et quand tous les membres ont l'âge minimum ;
- Σ_d o[h, d] ≤ jours_max[h].
Le score (à maximiser) est une somme pondérée, poids dans `Poids`. Formulation choisie
pour une relaxation linéaire serrée (optimum prouvé vite) : passages d'un jour au suivant
en flot f[g, h1, h2, d], visites v[g, h] liées aux entrées (AddBoolOr / AddImplication),
domaines c[g, dom] ≤ Σ v, borne explicite Σ c ≤ `borne_diversite`, o ≥ y par groupe,
rupture de symétrie entre groupes interchangeables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from ortools.sat.python import cp_model

from moteur.distances import haversine_km
from moteur.modele import Session, StructureAccueil
from moteur.rotation.capacite import structures_du_projet
from moteur.rotation.groupes import Groupe

# Clé d'une hypothèse : ("projet", pid), ("jours_max", hid), ("capacite", hid, jour).
CleHypothese = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Poids:
    """Poids entiers du score (voir docs/rotation.md pour leur justification)."""

    diversite: int = 100  # par domaine ROME distinct découvert par un groupe
    equite: int = 60  # par domaine du groupe le moins bien servi du projet
    changement: int = 20  # par changement de structure entre deux jours consécutifs
    km: int = 2  # par km entre deux structures de jours consécutifs
    retour: int = 30  # par visite fractionnée (retour dans une structure déjà quittée)
    charge: int = 3  # par journée d'ouverture d'une structure
    porteur: int = 40  # par groupe chez le porteur un jour de lancement ou de restitution


@dataclass(slots=True)
class ModeleRotation:
    session: Session
    groupes: list[Groupe]
    modele: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    y: dict[tuple[int, str, date], cp_model.IntVar] = field(default_factory=dict)
    ouvert: dict[tuple[str, date], cp_model.IntVar] = field(default_factory=dict)
    hypotheses: dict[int, CleHypothese] = field(default_factory=dict)  # index littéral → clé
    score: list[cp_model.LinearExprT] = field(default_factory=list)
    # Domaines distincts découverts par chaque groupe (expression linéaire), par indice.
    diversite: dict[int, cp_model.LinearExprT] = field(default_factory=dict)

    def structures(self, groupe: Groupe) -> list[StructureAccueil]:
        return structures_du_projet(self.session, self.session.projets[groupe.projet_id])


def jours_consecutifs(jours: tuple[date, ...]) -> list[tuple[date, date]]:
    """Couples de jours de calendrier consécutifs (pas de trajet compté sur le week-end)."""
    return [(a, b) for a, b in pairwise(jours) if b - a == timedelta(days=1)]


def construire(
    session: Session,
    groupes: list[Groupe],
    poids: Poids,
    jours_porteur: tuple[date, ...] = (),
    avec_hypotheses: bool = False,
    avec_objectif: bool = True,
) -> ModeleRotation:
    """Modèle de la composante ; sans objectif : contraintes dures et symétries seules."""
    m = ModeleRotation(session, groupes)
    jours = session.jours
    lit_projet: dict[str, cp_model.IntVar] = {}
    if avec_hypotheses:
        for pid in dict.fromkeys(g.projet_id for g in groupes):
            lit_projet[pid] = _hypothese(m, ("projet", pid))
    for gi, groupe in enumerate(groupes):
        for h in m.structures(groupe):
            for jour in h.jours_possibles(jours):
                if (h.id, jour) not in groupe.interdits and h.accueil_max >= groupe.taille:
                    m.y[gi, h.id, jour] = m.modele.new_bool_var("")
        for jour in jours:
            termes = [m.y[gi, h.id, jour] for h in m.structures(groupe) if (gi, h.id, jour) in m.y]
            contrainte = m.modele.add(sum(termes) == 1)
            if avec_hypotheses:
                contrainte.only_enforce_if(lit_projet[groupe.projet_id])
    _contraintes_structures(m, avec_hypotheses)
    if not avec_hypotheses:
        if avec_objectif:
            _objectif(m, poids, jours_porteur)
        _symetries(m)
    return m


def _hypothese(m: ModeleRotation, cle: CleHypothese) -> cp_model.IntVar:
    lit = m.modele.new_bool_var(str(cle))
    m.hypotheses[lit.index] = cle
    m.modele.add_assumption(lit)
    return lit


def _contraintes_structures(m: ModeleRotation, avec_hypotheses: bool) -> None:
    jours = m.session.jours
    presents: dict[tuple[str, date], list[cp_model.LinearExprT]] = {}
    for (gi, hid, jour), var in m.y.items():
        presents.setdefault((hid, jour), []).append(m.groupes[gi].taille * var)
    vues: dict[str, StructureAccueil] = {}
    for groupe in m.groupes:
        for h in m.structures(groupe):
            vues[h.id] = h
    for hid, h in vues.items():
        possibles = [j for j in h.jours_possibles(jours) if (hid, j) in presents]
        for jour in possibles:
            m.ouvert[hid, jour] = o = m.modele.new_bool_var("")
            c = m.modele.add(sum(presents[hid, jour]) <= h.accueil_max * o)
            if avec_hypotheses:
                c.only_enforce_if(_hypothese(m, ("capacite", hid, jour)))
        if h.jours_max is not None and h.jours_max < len(possibles):
            c = m.modele.add(sum(m.ouvert[hid, j] for j in possibles) <= h.jours_max)
            if avec_hypotheses:
                c.only_enforce_if(_hypothese(m, ("jours_max", hid)))


def _objectif(m: ModeleRotation, poids: Poids, jours_porteur: tuple[date, ...]) -> None:
    md = m.modele
    jours = m.session.jours
    minimum_projet: dict[str, cp_model.IntVar] = {}
    for gi, groupe in enumerate(m.groupes):
        structures = [h for h in m.structures(groupe) if any((gi, h.id, j) in m.y for j in jours)]
        entrees = _flots(m, gi, structures, poids)
        visite = {}
        for h in structures:
            # Visitée ⇒ au moins une entrée ; chaque entrée de plus est un retour.
            visite[h.id] = v = md.new_bool_var("")
            md.add(v <= sum(entrees[h.id]))
            md.add_bool_or(entrees[h.id]).only_enforce_if(v)
            for var in (m.y[gi, h.id, j] for j in jours if (gi, h.id, j) in m.y):
                md.add_implication(var, v)
            m.score.append(-poids.retour * (sum(entrees[h.id]) - v))
        couverts = _couverture(m, gi, structures, visite)
        m.diversite[gi] = sum(couverts)
        m.score.append(poids.diversite * m.diversite[gi])
        if groupe.projet_id not in minimum_projet:
            borne = max(
                borne_diversite(m, i)
                for i, g in enumerate(m.groupes)
                if g.projet_id == groupe.projet_id
            )
            minimum_projet[groupe.projet_id] = md.new_int_var(0, borne, "")
            m.score.append(poids.equite * minimum_projet[groupe.projet_id])
        md.add(minimum_projet[groupe.projet_id] <= sum(couverts))
        _porteur(m, gi, jours_porteur, poids)
    _charge(m, poids)


def _couverture(
    m: ModeleRotation,
    gi: int,
    structures: list[StructureAccueil],
    visite: dict[str, cp_model.IntVar],
) -> list[cp_model.IntVar]:
    """c[g, dom] ≤ Σ v[g, h] (h porte dom) ; Σ c ≤ borne de diversité du groupe."""
    md = m.modele
    couverts = []
    for lettre in sorted({d for h in structures for d in h.domaines}):
        c = md.new_bool_var("")
        porteuses = [visite[h.id] for h in structures if lettre in h.domaines]
        md.add(c <= sum(porteuses))
        md.add_bool_or(porteuses).only_enforce_if(c)
        couverts.append(c)
    md.add(sum(couverts) <= borne_diversite(m, gi))
    return couverts


def borne_diversite(m: ModeleRotation, gi: int) -> int:
    """Domaines atteignables par le groupe, limités par le nombre de structures visitables.

    Un groupe visite au plus une structure par jour : au plus `len(jours)` structures,
    donc au plus la somme des `len(jours)` plus grands nombres de domaines.
    """
    jours = m.session.jours
    structures = [
        h for h in m.structures(m.groupes[gi]) if any((gi, h.id, j) in m.y for j in jours)
    ]
    atteignables = len({d for h in structures for d in h.domaines})
    tailles = sorted((len(set(h.domaines)) for h in structures), reverse=True)
    return min(atteignables, sum(tailles[: len(jours)]))


def _flots(
    m: ModeleRotation, gi: int, structures: list[StructureAccueil], poids: Poids
) -> dict[str, list[cp_model.IntVar]]:
    """Passage du jour a au jour ouvré suivant b : f[h1, h2] = y[h1, a] ∧ y[h2, b].

    Formulation en flot (Σ_h2 f = y[h1, a], Σ_h1 f = y[h2, b]) : sa relaxation linéaire
    est exacte pour un seul passage, d'où de bonnes bornes sur changements et distances.
    Rend les entrées de chaque structure (début d'un bloc de jours), jour 1 compris.
    Changements et kilomètres ne comptent qu'entre jours de calendrier consécutifs.
    """
    md = m.modele
    jours = m.session.jours
    consecutifs = set(jours_consecutifs(jours))
    entrees: dict[str, list[cp_model.IntVar]] = {h.id: [] for h in structures}
    if jours:
        for h in structures:
            if (gi, h.id, jours[0]) in m.y:
                entrees[h.id].append(m.y[gi, h.id, jours[0]])
    for a, b in pairwise(jours):
        depart = [h for h in structures if (gi, h.id, a) in m.y]
        arrivee = [h for h in structures if (gi, h.id, b) in m.y]
        f = {(h1.id, h2.id): md.new_bool_var("") for h1 in depart for h2 in arrivee}
        for h1 in depart:
            md.add(sum(f[h1.id, h2.id] for h2 in arrivee) == m.y[gi, h1.id, a])
        for h2 in arrivee:
            md.add(sum(f[h1.id, h2.id] for h1 in depart) == m.y[gi, h2.id, b])
            entre = [f[h1.id, h2.id] for h1 in depart if h1.id != h2.id]
            if (gi, h2.id, a) not in m.y:
                entre = [m.y[gi, h2.id, b]]
            entrees[h2.id].extend(entre)
        if (a, b) not in consecutifs:
            continue
        for h1 in depart:
            for h2 in arrivee:
                if h1.id != h2.id:
                    cout = poids.changement + round(poids.km * haversine_km(h1.point, h2.point))
                    m.score.append(-cout * f[h1.id, h2.id])
    return entrees


def _charge(m: ModeleRotation, poids: Poids) -> None:
    """Journées d'ouverture : o[h, d] ≥ y[g, h, d] pour chaque groupe (relaxation serrée)."""
    for (_, hid, jour), var in m.y.items():
        m.modele.add_implication(var, m.ouvert[hid, jour])
    m.score.append(-poids.charge * sum(m.ouvert.values()))


def _porteur(m: ModeleRotation, gi: int, jours_porteur: tuple[date, ...], poids: Poids) -> None:
    """Bonus quand le groupe est chez le porteur (s'il est une structure du projet)."""
    hid = structure_porteur(m.session, m.groupes[gi].projet_id)
    if hid is None:
        return
    for jour in jours_porteur:
        if (gi, hid, jour) in m.y:
            m.score.append(poids.porteur * m.y[gi, hid, jour])


def structure_porteur(session: Session, projet_id: str) -> str | None:
    """La structure d'accueil du projet qui est aussi son porteur (par id ou par nom)."""
    projet = session.projets[projet_id]
    for h in structures_du_projet(session, projet):
        if projet.porteur in (h.id, h.nom):
            return h.id
    return None


def classes_symetriques(m: ModeleRotation) -> list[list[int]]:
    """Groupes interchangeables : même projet, même taille, mêmes interdits (≥ 2 membres)."""
    classes: dict[tuple[str, int, frozenset[tuple[str, date]]], list[int]] = {}
    for gi, g in enumerate(m.groupes):
        classes.setdefault((g.projet_id, g.taille, g.interdits), []).append(gi)
    return [membres for membres in classes.values() if len(membres) > 1]


def _symetries(m: ModeleRotation) -> None:
    """Groupes interchangeables : rang de la structure du 1er jour croissant (ordre lex.)."""
    jours = m.session.jours
    if not jours:
        return
    premier = jours[0]
    for membres in classes_symetriques(m):
        rangs = {h.id: r for r, h in enumerate(m.structures(m.groupes[membres[0]]))}
        expr: dict[int, list[cp_model.LinearExprT]] = {gi: [] for gi in membres}
        for (g, hid, j), var in m.y.items():
            if g in expr and j == premier:
                expr[g].append(rangs[hid] * var)
        for a, b in pairwise(membres):
            m.modele.add(sum(expr[a]) <= sum(expr[b]))
