"""Rotation optimisée des groupes entre les structures (OR-Tools CP-SAT).

`planifier_rotation` découpe les élèves placés de chaque projet en groupes, écarte les
projets impossibles (contrôles directs, `explication.py`), puis résout chaque composante
connexe de projets (projets qui partagent une structure) avec CP-SAT. Une composante
infaisable est diagnostiquée par hypothèses : le projet en cause est écarté avec ses
raisons et le reste est résolu à nouveau ; les autres projets n'en souffrent pas.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from moteur.modele import Affectation, LignePlanning, Session
from moteur.rotation.capacite import composantes
from moteur.rotation.commun import (
    ESSAIS_GROUPES,
    EchecProjet,
    Progression,
    ResultatRotation,
    StatsComposante,
    ajouter_echec,
    eleves_par_projet,
    former_groupes,
)
from moteur.rotation.explication import Raison, controles_directs, expliquer_conflit
from moteur.rotation.glouton import echecs_glouton, planning_glouton
from moteur.rotation.groupes import Groupe, decouper_groupes
from moteur.rotation.mesures import score_planning
from moteur.rotation.modele_cpsat import (
    CleHypothese,
    ModeleRotation,
    Poids,
    classes_symetriques,
    construire,
)
from moteur.rotation.solveur import TEMPS_MIN_S, GardeFou, Horloge, nouveau_solveur

__all__ = [
    "TEMPS_MIN_S",
    "EchecProjet",
    "Horloge",
    "ResultatRotation",
    "StatsComposante",
    "eleves_par_projet",
    "former_groupes",
    "localiser",
    "planifier_rotation",
]

SANS_SOLUTION = "aucune rotation trouvée dans le temps imparti ; relancer avec plus de temps"
STATUTS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "faisable",
    cp_model.INFEASIBLE: "infaisable",
    cp_model.MODEL_INVALID: "modèle invalide",
    cp_model.UNKNOWN: "inconnu",
}


def planifier_rotation(
    session: Session,
    affectations: dict[str, Affectation],
    graine: int = 0,
    limite_s: float = 60.0,
    progression: Progression | None = None,
    poids: Poids | None = None,
    jours_porteur: tuple[date, ...] = (),
    nombre_groupes: dict[str, int] | None = None,
    garde: GardeFou | None = None,
) -> ResultatRotation:
    """Groupes et rotation de tous les projets qui ont des élèves placés.

    `limite_s` : budget total du solveur en temps déterministe de CP-SAT (≈ secondes ;
    solutions de départ, optimisation, diagnostics d'infaisabilité ; voir `Horloge`),
    réparti entre composantes au prorata de leur nombre de groupes, triplé quand le glouton
    y échoue (le budget non utilisé profite aux suivantes). Chaque appel au solveur reçoit
    au moins `TEMPS_MIN_S` : le dépassement est borné par ce plancher.
    Même entrée, même graine : même résultat, octet pour octet (voir `moteur.rotation.solveur`).
    `garde` : garde-fou d'horloge (défaut `GardeFou()`) ; s'il saute, `CalculInterrompu`.
    `jours_porteur` : jours de lancement / restitution où l'on préfère les groupes chez le
    porteur, quand le porteur est une structure d'accueil du projet (sinon sans effet).
    Remplit `affectations[e].groupe` (vide pour les élèves d'un projet en échec).
    """
    poids = poids or Poids()
    resultat = ResultatRotation()
    a_resoudre: dict[str, list[Groupe]] = {}
    for pid, eleves in eleves_par_projet(session, affectations).items():
        nombre = (nombre_groupes or {}).get(pid)
        groupes, raisons = former_groupes(session, pid, eleves, nombre)
        if raisons:
            ajouter_echec(resultat, pid, raisons, eleves)
        else:
            a_resoudre[pid] = groupes
    comps = composantes(session, list(a_resoudre))
    tailles = {tuple(c): _poids_temps(session, c, a_resoudre) for c in comps}
    reste_taille = sum(tailles.values())
    garde = garde or GardeFou()
    total = Horloge(limite_s, garde=garde)
    for i, comp in enumerate(comps):
        restant = max(0.0, total.budget - total.consomme)
        part = restant * tailles[tuple(comp)] / max(1, reste_taille)
        reste_taille -= tailles[tuple(comp)]
        horloge = Horloge(part, garde=garde)
        contexte = _Contexte(session, poids, jours_porteur, graine, horloge)
        _resoudre_composante(contexte, comp, a_resoudre, resultat)
        total.consomme += horloge.consomme
        if progression is not None:
            progression(i + 1, len(comps))
    # Un seul tri, à la fin : trier après chaque composante était quadratique. Au niveau
    # national (≈ 10 000 composantes, 100 000 lignes), cela faisait ≈ 275 s contre 0,2 s.
    resultat.planning.sort(key=lambda lg: (lg.projet_id, lg.groupe, lg.date))
    for groupes in resultat.groupes.values():
        for groupe in groupes:
            for eid in groupe.eleves:
                affectations[eid].groupe = groupe.libelle
    places = eleves_par_projet(session, affectations)
    for pid in resultat.echecs:
        for eid in places.get(pid, []):
            affectations[eid].groupe = ""
    return resultat


def _poids_temps(session: Session, comp: list[str], groupes: dict[str, list[Groupe]]) -> int:
    """Part du temps d'une composante : son nombre de groupes, triplé quand le glouton
    échoue (pas de solution de départ : la faisabilité elle-même est à chercher)."""
    tous = [g for p in comp for g in groupes[p]]
    return len(tous) * (1 if planning_glouton(session, tous) else 3)


@dataclass(frozen=True, slots=True)
class _Contexte:
    session: Session
    poids: Poids
    jours_porteur: tuple[date, ...]
    graine: int
    horloge: Horloge  # budget de la composante

    def restant(self) -> float:
        return self.horloge.restant()


def _resoudre_composante(
    ctx: _Contexte, comp: list[str], groupes: dict[str, list[Groupe]], resultat: ResultatRotation
) -> None:
    restants = list(comp)
    essais: dict[str, int] = {}
    _affiner_groupes(ctx.session, restants, groupes, essais)
    while restants:
        tous = [g for p in restants for g in groupes[p]]
        statut = _resoudre(ctx, restants, tous, resultat)
        if statut == cp_model.UNKNOWN:
            coupable, message = None, SANS_SOLUTION
        elif statut == cp_model.INFEASIBLE:
            coupable, message = localiser(ctx.session, tous, ctx.horloge)
        else:
            return
        if coupable is None:  # temps épuisé sans solution ni preuve d'infaisabilité
            for pid in restants:
                eleves = [e for g in groupes[pid] for e in g.eleves]
                ajouter_echec(resultat, pid, [Raison(message)], eleves)
            return
        eleves = [e for g in groupes[coupable] for e in g.eleves]
        essais[coupable] = essais.get(coupable, 0) + 1
        if essais[coupable] <= ESSAIS_GROUPES and len(groupes[coupable]) < len(eleves):
            # Des groupes plus petits se rangent mieux dans les capacités : on réessaie.
            plus = decouper_groupes(ctx.session, coupable, eleves, len(groupes[coupable]) + 1)
            if not controles_directs(ctx.session, coupable, plus):
                groupes[coupable] = plus
                continue
        ajouter_echec(resultat, coupable, [Raison(message)], eleves)
        restants.remove(coupable)


def _affiner_groupes(
    session: Session, projets: list[str], groupes: dict[str, list[Groupe]], essais: dict[str, int]
) -> None:
    """Groupes plus petits pour les projets que le glouton ne sait pas planifier.

    Un projet rempli pile à sa capacité effective, avec des jours_max serrés, peut être
    infaisable avec ses groupes initiaux (granularité) ; le prouver coûte cher au solveur.
    Tant que le glouton échoue sur un projet, on essaie un groupe de plus (au plus
    `ESSAIS_GROUPES`) ; on garde le premier découpage qui fait réussir le glouton, sinon
    le plus fin essayé (des groupes plus petits se rangent plus facilement).
    """

    def tous() -> list[Groupe]:
        return [g for p in projets for g in groupes[p]]

    for pid in sorted(echecs_glouton(session, tous())):
        initial = groupes[pid]
        eleves = [e for g in initial for e in g.eleves]
        for k in range(len(initial) + 1, min(len(eleves), len(initial) + ESSAIS_GROUPES) + 1):
            essai = decouper_groupes(session, pid, eleves, k)
            if controles_directs(session, pid, essai):
                continue
            groupes[pid] = essai
            essais[pid] = k - len(initial)
            if pid not in echecs_glouton(session, tous()):
                break


def _resoudre(
    ctx: _Contexte, projets: list[str], tous: list[Groupe], resultat: ResultatRotation
) -> cp_model.CpSolverStatus:
    """Résout la composante ; rend OPTIMAL/FEASIBLE (planning ajouté), INFEASIBLE ou UNKNOWN.

    La solution de départ (glouton, sinon faisable) sert d'indice ET de plancher : la
    diversité de chaque projet est au moins celle du départ (contrainte), et si le
    solveur rend un score inférieur (temps trop court), c'est le départ qui est gardé.
    """
    t0 = time.perf_counter()
    depart = _depart(ctx, tous)
    if depart is None:
        return cp_model.INFEASIBLE
    m = construire(ctx.session, tous, ctx.poids, ctx.jours_porteur)
    m.modele.maximize(sum(m.score))
    glouton = _indice(ctx.session, m, depart)
    score_glouton = (
        score_planning(ctx.session, tous, glouton, ctx.poids, ctx.jours_porteur)
        if glouton
        else None
    )
    solveur = nouveau_solveur(ctx.graine, avec_max_lp=True)
    statut = ctx.horloge.resoudre(solveur, m.modele)
    duree = time.perf_counter() - t0
    trouve = statut in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if score_glouton is not None and (not trouve or solveur.objective_value < score_glouton):
        borne = solveur.best_objective_bound if trouve else None
        stats = StatsComposante(tuple(projets), "départ gardé", score_glouton, borne, duree)
        resultat.composantes.append(stats)
        resultat.planning.extend(glouton)
        for g in tous:
            resultat.groupes.setdefault(g.projet_id, []).append(g)
        return cp_model.FEASIBLE
    if not trouve:
        return cp_model.INFEASIBLE if statut == cp_model.INFEASIBLE else cp_model.UNKNOWN
    stats = StatsComposante(
        tuple(projets),
        STATUTS[statut],
        solveur.objective_value,
        solveur.best_objective_bound,
        duree,
    )
    resultat.composantes.append(stats)
    _extraire(m, solveur, resultat)
    return statut


def _depart(ctx: _Contexte, groupes: list[Groupe]) -> list[LignePlanning] | None:
    """Solution de départ : le glouton, sinon une solution des seules contraintes dures.

    Rend [] si aucune n'est trouvée à temps (le solveur part alors de rien) et None si
    les contraintes dures sont prouvées incompatibles (diagnostic par `localiser`).
    La recherche de faisabilité prend au plus la moitié du temps restant.
    """
    lignes = planning_glouton(ctx.session, groupes)
    if lignes:
        return lignes
    m = construire(ctx.session, groupes, ctx.poids, avec_objectif=False)
    solveur = nouveau_solveur(ctx.graine)
    statut = ctx.horloge.resoudre(solveur, m.modele, 0.5)
    if statut == cp_model.INFEASIBLE:
        return None
    if statut not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    resultat = ResultatRotation()
    _extraire(m, solveur, resultat)
    return resultat.planning


def _indice(
    session: Session, m: ModeleRotation, lignes: list[LignePlanning]
) -> list[LignePlanning]:
    """Solution de départ (glouton ou faisable) : indice du solveur et plancher.

    Les rotations des groupes interchangeables sont permutées pour respecter l'ordre
    imposé par la rupture de symétrie (sinon l'indice serait irréalisable). La diversité
    de chaque projet (somme sur ses groupes) doit être au moins celle du départ.
    """
    if not lignes:
        return []
    index = {(g.projet_id, g.libelle): gi for gi, g in enumerate(m.groupes)}
    rotation: dict[int, dict[date, str]] = {}
    for lg in lignes:
        rotation.setdefault(index[lg.projet_id, lg.groupe], {})[lg.date] = lg.structure_id
    for membres in classes_symetriques(m):
        rangs = {h.id: r for r, h in enumerate(m.structures(m.groupes[membres[0]]))}
        premier = session.jours[0]
        tries = sorted((rotation[gi] for gi in membres), key=lambda r: rangs[r[premier]])
        rotation.update(zip(membres, tries, strict=True))
    for (gi, hid, jour), var in m.y.items():
        m.modele.add_hint(var, rotation[gi][jour] == hid)
    par_projet: dict[str, int] = {}
    for gi, g in enumerate(m.groupes):
        vus = {d for hid in rotation[gi].values() for d in session.structures[hid].domaines}
        par_projet[g.projet_id] = par_projet.get(g.projet_id, 0) + len(vus)
    for pid, minimum in par_projet.items():
        gis = [gi for gi, g in enumerate(m.groupes) if g.projet_id == pid]
        m.modele.add(sum(m.diversite[gi] for gi in gis) >= minimum)
    return lignes


def _extraire(m: ModeleRotation, solveur: cp_model.CpSolver, resultat: ResultatRotation) -> None:
    for (gi, hid, jour), var in m.y.items():
        if solveur.boolean_value(var):
            g = m.groupes[gi]
            resultat.planning.append(LignePlanning(g.projet_id, g.libelle, jour, hid))
    for g in m.groupes:
        resultat.groupes.setdefault(g.projet_id, []).append(g)


def localiser(
    session: Session, groupes: list[Groupe], horloge: Horloge | None = None
) -> tuple[str | None, str]:
    """Projet à écarter et pourquoi, d'après un noyau d'hypothèses incompatibles.

    Rend (None, message) si le budget de `horloge` ne suffit ni à trouver une solution ni à
    prouver l'infaisabilité.
    """
    m = construire(session, groupes, Poids(), avec_hypotheses=True)
    horloge = horloge or Horloge(10.0)
    solveur = cp_model.CpSolver()
    solveur.parameters.num_workers = 1  # pas d'entrelacement : il ignore les hypothèses
    statut = horloge.resoudre(solveur, m.modele)
    projets = list(dict.fromkeys(g.projet_id for g in groupes))
    if statut != cp_model.INFEASIBLE:
        return None, SANS_SOLUTION
    noyau = solveur.sufficient_assumptions_for_infeasibility()
    cles: list[CleHypothese] = [m.hypotheses[i] for i in noyau if i in m.hypotheses]
    en_cause = [c[1] for c in cles if c[0] == "projet"] or projets
    coupable = en_cause[-1]
    if not cles:
        cles = [("projet", p) for p in en_cause]
    return coupable, expliquer_conflit(session, cles)
