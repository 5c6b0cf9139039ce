"""Rotation optimisée des groupes entre les structures (OR-Tools CP-SAT).

`planifier_rotation` découpe les élèves placés de chaque projet en groupes, écarte les
projets impossibles (contrôles directs, `explication.py`), puis résout chaque composante
connexe de projets (projets qui partagent une structure) avec CP-SAT. Une composante
infaisable est diagnostiquée par hypothèses : le projet en cause est écarté avec ses
raisons et le reste est résolu à nouveau ; les autres projets n'en souffrent pas.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from moteur.modele import Affectation, LignePlanning, Session
from moteur.rotation.borne import borne_superieure
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
from moteur.rotation.mesures import decouverte_par_projet, score_planning
from moteur.rotation.modele_cpsat import (
    CleHypothese,
    ModeleRotation,
    Poids,
    classes_symetriques,
    construire,
)
from moteur.rotation.parallele import Parallele
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

GLOUTON_OPTIMAL = "glouton optimal"  # le glouton atteint la borne : pas de solveur
DEPART_GARDE = "départ gardé"
PLAFOND_SECONDE_VAGUE = 4.0  # part de seconde vague ≤ 4 × celle de la première
BUDGET_UTILE_S = 0.005  # en dessous, le solveur n'a pas le temps de battre le départ
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
    travailleurs: int | None = None,
) -> ResultatRotation:
    """Groupes et rotation de tous les projets qui ont des élèves placés.

    `limite_s` : budget total du solveur en temps déterministe de CP-SAT (≈ secondes ;
    solutions de départ, optimisation, diagnostics d'infaisabilité ; voir `Horloge`).
    Il est réparti À L'AVANCE entre les composantes que le glouton ne résout pas de façon
    prouvée optimale, au prorata de leur nombre de groupes, triplé quand le glouton y
    échoue ; aucune composante ne reçoit le budget non utilisé d'une autre.
    `travailleurs` : processus de calcul (défaut : cœurs de la machine) ; ne change jamais
    le résultat, seulement la durée (voir `moteur.rotation.parallele`).
    Même entrée, même graine : même résultat, octet pour octet (voir `moteur.rotation.solveur`).
    `garde` : garde-fou d'horloge (défaut `GardeFou()`) ; s'il saute, `CalculInterrompu`.
    `jours_porteur` : jours de lancement / restitution où l'on préfère les groupes chez le
    porteur, quand le porteur est une structure d'accueil du projet (sinon sans effet).
    Remplit `affectations[e].groupe` (vide pour les élèves d'un projet en échec).
    """
    poids = poids or Poids()
    garde = garde or GardeFou()
    resultat = ResultatRotation()
    commun = _Commun(session, poids, jours_porteur, graine, garde)
    taches = [
        (pid, eleves, (nombre_groupes or {}).get(pid))
        for pid, eleves in eleves_par_projet(session, affectations).items()
    ]
    with Parallele(commun, travailleurs) as calcul:
        a_resoudre: dict[str, list[Groupe]] = {}
        for (pid, eleves, _), (groupes, raisons) in zip(
            taches, calcul.map(_former, taches), strict=True
        ):
            if raisons:
                ajouter_echec(resultat, pid, raisons, eleves)
            else:
                a_resoudre[pid] = groupes
        _planifier(commun, a_resoudre, resultat, limite_s, progression, calcul)
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


@dataclass(frozen=True, slots=True)
class _Commun:
    """Ce que toutes les composantes partagent (hérité par les processus de calcul)."""

    session: Session
    poids: Poids
    jours_porteur: tuple[date, ...]
    graine: int
    garde: GardeFou


def _former(
    commun: _Commun, tache: tuple[str, list[str], int | None]
) -> tuple[list[Groupe], list[Raison]]:
    pid, eleves, nombre = tache
    return former_groupes(commun.session, pid, eleves, nombre)


@dataclass(slots=True)
class _Preparation:
    """Composante après la phase 1 : groupes affinés, glouton, et peut-être déjà résolue."""

    projets: list[str]
    groupes: dict[str, list[Groupe]]
    essais: dict[str, int]
    glouton_reussi: bool
    resolue: ResultatRotation | None  # glouton prouvé optimal : pas de solveur
    decouverte_glouton: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def poids_temps(self) -> int:
        if self.resolue is not None:
            return 0
        n = sum(len(g) for g in self.groupes.values())
        return n * (1 if self.glouton_reussi else 3)


def _planifier(
    commun: _Commun,
    a_resoudre: dict[str, list[Groupe]],
    resultat: ResultatRotation,
    limite_s: float,
    progression: Progression | None,
    calcul: Parallele[_Commun],
) -> None:
    """Phase 1 (en parallèle) : groupes affinés, glouton, borne ; phase 2 : parts de budget
    fixées d'après la phase 1 ; phase 3 (en parallèle) : solveur. Fusion dans l'ordre."""
    comps = composantes(commun.session, list(a_resoudre))
    taches = [(comp, {p: a_resoudre[p] for p in comp}) for comp in comps]
    preparations = list(calcul.map(_preparer, taches))
    total = sum(p.poids_temps for p in preparations)
    parts = [limite_s * p.poids_temps / max(1, total) for p in preparations]
    a_faire: list[_TacheSolveur] = [
        (p, part, None) for p, part in zip(preparations, parts, strict=True) if not p.resolue
    ]
    premiere: list[_Solution] = []
    faites = len(comps) - len(a_faire)  # glouton prouvé optimal : déjà faites
    for solution in calcul.map(_resoudre_preparee, a_faire, [t[1] for t in a_faire]):
        premiere.append(solution)  # dans l'ordre des composantes
        faites += 1
        if progression is not None:
            progression(faites, len(comps))
    finales = _seconde_vague(calcul, a_faire, premiere)
    suite = iter(finales)
    for prep in preparations:
        partiel = prep.resolue or next(suite)
        resultat.planning.extend(partiel.planning)
        for pid, groupes in partiel.groupes.items():
            resultat.groupes.setdefault(pid, []).extend(groupes)
        resultat.composantes.extend(partiel.composantes)
        resultat.echecs.update(partiel.echecs)
        resultat.decouverte_glouton.update(prep.decouverte_glouton)


_TacheSolveur = tuple[_Preparation, float, list[LignePlanning] | None]


@dataclass(slots=True)
class _Solution:
    resultat: ResultatRotation
    reste: float  # part de budget non consommée (temps déterministe : reproductible)


def _seconde_vague(
    calcul: Parallele[_Commun], taches: list[_TacheSolveur], premiere: list[_Solution]
) -> list[ResultatRotation]:
    """Le budget que la première vague n'a pas consommé (somme fixe, connue une fois la
    vague entière finie) est redonné, au prorata des groupes, aux composantes arrêtées par
    leur limite (« faisable », « départ gardé ») ; elles repartent de leur solution, qui
    reste leur plancher (diversité et score). Même résultat quel que soit l'ordre de fin.
    Une part de seconde vague est plafonnée à `PLAFOND_SECONDE_VAGUE` fois celle de la
    première : sinon quelques composantes reçoivent presque tout et finissent seules, sur
    un seul cœur."""
    reste = sum(max(0.0, s.reste) for s in premiere)
    candidats = [i for i, s in enumerate(premiere) if _ameliorable(s.resultat)]
    groupes = {i: sum(len(g) for g in premiere[i].resultat.groupes.values()) for i in candidats}
    total = sum(groupes.values())
    seconde: list[_TacheSolveur] = []
    for i in candidats:
        prep, r = taches[i][0], premiere[i].resultat
        nouvelle = _Preparation(prep.projets, dict(r.groupes), prep.essais, True, None)
        part = min(reste * groupes[i] / max(1, total), PLAFOND_SECONDE_VAGUE * taches[i][1])
        seconde.append((nouvelle, part, r.planning))
    finales = [s.resultat for s in premiere]
    couts = [t[1] for t in seconde]
    for i, solution in zip(candidats, calcul.map(_resoudre_preparee, seconde, couts), strict=True):
        finales[i] = _meilleure(finales[i], solution.resultat)
    return finales


def _ameliorable(r: ResultatRotation) -> bool:
    if r.echecs or len(r.composantes) != 1:
        return False
    c = r.composantes[0]
    return c.statut in ("faisable", DEPART_GARDE) and (c.ecart is None or c.ecart > 0)


def _meilleure(avant: ResultatRotation, apres: ResultatRotation) -> ResultatRotation:
    """La seconde vague si le solveur a fait au moins aussi bien (son plancher est la
    solution d'avant), sinon celle d'avant avec la meilleure des deux bornes."""
    if apres.echecs or len(apres.composantes) != 1:
        return avant
    c1, c2 = avant.composantes[0], apres.composantes[0]
    if c2.statut not in (DEPART_GARDE, GLOUTON_OPTIMAL):
        return apres
    bornes = [b for b in (c1.borne, c2.borne) if b is not None]
    c1.borne = min(bornes) if bornes else None
    if c1.ecart == 0:  # la borne rejoint la solution d'avant : optimum prouvé
        c1.statut = "optimal" if c1.statut == "faisable" else GLOUTON_OPTIMAL
    return avant


def _preparer(commun: _Commun, tache: tuple[list[str], dict[str, list[Groupe]]]) -> _Preparation:
    """Groupes affinés, glouton ; composante résolue si le glouton atteint la borne."""
    comp, groupes = tache
    session = commun.session
    essais: dict[str, int] = {}
    _affiner_groupes(session, comp, groupes, essais)
    tous = [g for p in comp for g in groupes[p]]
    lignes = planning_glouton(session, tous)
    prep = _Preparation(comp, groupes, essais, bool(lignes), None)
    if lignes:
        prep.decouverte_glouton = decouverte_par_projet(session, lignes)
        score = score_planning(session, tous, lignes, commun.poids, commun.jours_porteur)
        borne = borne_superieure(session, tous, commun.poids, commun.jours_porteur)
        if score >= borne:
            resolue = ResultatRotation(planning=lignes)
            resolue.composantes.append(
                StatsComposante(tuple(comp), GLOUTON_OPTIMAL, float(score), float(borne), 0.0)
            )
            for g in tous:
                resolue.groupes.setdefault(g.projet_id, []).append(g)
            prep.resolue = resolue
    return prep


def _resoudre_preparee(commun: _Commun, tache: _TacheSolveur) -> _Solution:
    """Une composante avec sa part de budget ; sans plancher quand un départ existe (il
    est gardé si le solveur ne fait pas mieux). `depart` : solution de la première vague."""
    prep, part, depart = tache
    plancher = 0.0 if prep.glouton_reussi else TEMPS_MIN_S
    horloge = Horloge(part, garde=commun.garde, plancher=plancher)
    ctx = _Contexte(
        commun.session, commun.poids, commun.jours_porteur, commun.graine, horloge, depart=depart
    )
    resultat = ResultatRotation()
    _resoudre_composante(ctx, prep.projets, prep.groupes, resultat, prep.essais)
    return _Solution(resultat, part - horloge.consomme)


@dataclass(frozen=True, slots=True)
class _Contexte:
    session: Session
    poids: Poids
    jours_porteur: tuple[date, ...]
    graine: int
    horloge: Horloge  # budget de la composante
    depart: list[LignePlanning] | None = None  # départ imposé (seconde vague)

    def restant(self) -> float:
        return self.horloge.restant()


def _resoudre_composante(
    ctx: _Contexte,
    comp: list[str],
    groupes: dict[str, list[Groupe]],
    resultat: ResultatRotation,
    essais: dict[str, int],
) -> None:
    """Résout la composante, dont les groupes sont déjà affinés (`_preparer`) ; un projet
    en cause dans une infaisabilité reçoit un groupe de plus (au plus `ESSAIS_GROUPES`
    fois), puis est écarté."""
    restants = list(comp)
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
    depart = ctx.depart if ctx.depart is not None else _depart(ctx, tous)
    if depart is None:
        return cp_model.INFEASIBLE
    borne_calculee = borne_superieure(ctx.session, tous, ctx.poids, ctx.jours_porteur)
    if depart and ctx.horloge.budget - ctx.horloge.consomme < BUDGET_UTILE_S:
        # Budget trop petit pour battre le départ : pas de modèle ni de solveur.
        score = score_planning(ctx.session, tous, depart, ctx.poids, ctx.jours_porteur)
        _garder_depart(resultat, projets, tous, depart, score, borne_calculee, t0)
        return cp_model.FEASIBLE
    m = construire(ctx.session, tous, ctx.poids, ctx.jours_porteur)
    m.modele.maximize(sum(m.score))
    glouton = _indice(ctx.session, m, depart)
    score_glouton = (
        score_planning(ctx.session, tous, glouton, ctx.poids, ctx.jours_porteur)
        if glouton
        else None
    )
    if score_glouton is not None:
        # Seules comptent les solutions au moins aussi bonnes que le départ.
        m.modele.add(sum(m.score) >= score_glouton)
    solveur = nouveau_solveur(ctx.graine, avec_max_lp=True)
    statut = ctx.horloge.resoudre(solveur, m.modele)
    trouve = statut in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if score_glouton is not None and (not trouve or solveur.objective_value < score_glouton):
        borne = solveur.best_objective_bound if trouve or statut == cp_model.UNKNOWN else None
        borne = borne_calculee if borne is None else min(borne, borne_calculee)
        if statut == cp_model.INFEASIBLE:  # le départ atteint l'optimum
            borne = score_glouton
        _garder_depart(resultat, projets, tous, glouton, score_glouton, borne, t0)
        return cp_model.FEASIBLE
    duree = time.perf_counter() - t0
    if not trouve:
        return cp_model.INFEASIBLE if statut == cp_model.INFEASIBLE else cp_model.UNKNOWN
    borne_solveur = min(solveur.best_objective_bound, borne_calculee)
    stats = StatsComposante(
        tuple(projets), STATUTS[statut], solveur.objective_value, borne_solveur, duree
    )
    resultat.composantes.append(stats)
    _extraire(m, solveur, resultat)
    return statut


def _garder_depart(
    resultat: ResultatRotation,
    projets: list[str],
    tous: list[Groupe],
    lignes: list[LignePlanning],
    score: float,
    borne: float,
    t0: float,
) -> None:
    duree = time.perf_counter() - t0
    statut = GLOUTON_OPTIMAL if score >= borne else DEPART_GARDE
    resultat.composantes.append(
        StatsComposante(tuple(projets), statut, float(score), float(borne), duree)
    )
    resultat.planning.extend(lignes)
    for g in tous:
        resultat.groupes.setdefault(g.projet_id, []).append(g)


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
