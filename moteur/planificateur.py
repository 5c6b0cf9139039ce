"""La chaîne complète du planificateur : capacité effective → boucle (affectation →
rotation) → plan écrit.

C'est ce qu'appellent la commande `plan`, la plateforme (tâche de fond) et les benchmarks.

1. La capacité effective de chaque projet (ce que ses structures accueillent chaque jour,
   dans leurs `jours_max`) borne l'affectation.
2. **Boucle affectation ⇄ programmes** (issue 12, point 2), au plus `TOURS_BOUCLE` tours :
   l'affectation place les élèves (`stable` ou `optimal`), la rotation construit les
   programmes. Si un projet ne peut pas tenir tous ses élèves (âges, jours, partage), les
   élèves en cause sont retirés du projet (repli de la rotation). Le repli est prudent :
   son explication retire souvent tous les élèves concernés (« 2 élèves de moins de
   16 ans pour 1 place » en retire 2 ; « aucune rotation dans le temps imparti » retire
   tout le projet). Le projet reçoit donc sa **vraie capacité**, cherchée par dichotomie
   (`_vraie_capacite`) : les élèves que le programme a tenus d'abord, puis les élèves
   retirés du plus âgé au plus jeune (à date de naissance égale, dans l'ordre d'appel du
   barème) ; la capacité est la plus longue de ces listes dont la composante du projet
   (les autres projets avec leurs élèves du moment) a un programme complet. Les plus âgés
   d'abord, parce que la capacité dépend de qui est affecté : un élève plus âgé est admis
   partout où un plus jeune l'est (`age_min`), et pour les autres règles (jours, accueil,
   partage) tous les élèves se valent. Une liste plus courte qu'une liste qui tient tient
   aussi (retirer un élève d'un programme complet le laisse complet) : la dichotomie est
   exacte, à la qualité du solveur près. Seuls les élèves au-delà de cette capacité sont
   exclus du projet ; au tour suivant, l'affectation est refaite avec ces capacités et
   exclusions : les élèves exclus se voient proposer leurs autres voeux avant l'écriture
   du plan. Seules les composantes dont les élèves ont changé sont replanifiées ; les
   autres gardent leur programme.
3. Convergence : d'un tour à l'autre, les capacités ne font que baisser et les exclusions
   que croître (un projet en échec exclut au moins un élève : sa liste complète ne tient
   pas, la capacité trouvée est donc plus courte ; le couple n'était pas exclu avant
   puisque l'élève était placé dans ce projet) ; le nombre de couples est fini, donc la
   boucle s'arrête d'elle-même ; elle est de plus bornée à `TOURS_BOUCLE` tours, et chaque
   projet en échec coûte au plus ⌈log2(n + 1)⌉ essais de rotation (n : ses élèves). Si le
   dernier tour retire encore des élèves, ils restent non placés avec leur raison (jour,
   structure, règle) : c'est l'écart restant, prouvé dans le rapport.
4. Un plan écrit respecte toujours les six règles ; même entrée et même graine : même plan.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from moteur.affectation import ResultatAffectation, affecter, borne_max_flot, calculer_priorites
from moteur.modele import Affectation, Plan, Session
from moteur.rotation import CapaciteEffective, ResultatRotation, capacite_effective
from moteur.rotation.capacite import composantes
from moteur.rotation.cpsat import planifier_rotation
from moteur.rotation.solveur import TEMPS_MIN_S, GardeFou
from moteur.transport.acces import Acces, atteignables
from moteur.transport.parametres import de_la_session

# (étape en français, avancement de 0 à 1)
Progression = Callable[[str, float], None]
TOURS_DE_REPLI = 3
TOURS_BOUCLE = 4
MARQUE_EXCLU = "\x00exclu:"  # voeu neutralisé : projet inconnu pour l'affectation, rang gardé


@dataclass(slots=True)
class TourBoucle:
    """Un tour de la boucle affectation ⇄ programmes (pour le rapport)."""

    numero: int
    places_affectation: int
    borne: int
    retires: int  # élèves retirés par la rotation à ce tour
    projets_limites: tuple[str, ...]  # projets dont la capacité a baissé à ce tour
    composantes_replanifiees: int
    essais_capacite: int = 0  # rotations d'essai de la recherche des vraies capacités


@dataclass(slots=True)
class ResultatPlan:
    plan: Plan
    affectation: ResultatAffectation
    capacites: dict[str, CapaciteEffective]
    rotation: ResultatRotation | None
    borne: int
    # Élèves retirés au dernier tour faute de programme possible : id → raison (écart restant).
    retires: dict[str, str] = field(default_factory=dict)
    durees: dict[str, float] = field(default_factory=dict)
    # Boucle : tours, capacités finales, élèves réorientés (retirés d'un projet à un tour
    # précédent puis proposés à leurs autres voeux) → raison du retrait.
    tours: list[TourBoucle] = field(default_factory=list)
    plafonds: dict[str, int] = field(default_factory=dict)
    reorientes: dict[str, str] = field(default_factory=dict)
    borne_initiale: int = 0
    # Durées de trajet des voeux (session avec GTFS), calculées une fois : affectation,
    # borne et règle 6 (`verifier(session, plan, acces)`) lisent les mêmes.
    acces: Acces | None = None

    @property
    def raisons(self) -> dict[str, str]:
        """Raison de chaque élève non placé (affectation ou rotation)."""
        raisons = dict(self.affectation.raisons)
        for eid, raison in self.reorientes.items():
            if eid in raisons:
                raisons[eid] = f"{raisons[eid]} ; auparavant {raison}"
        return {**raisons, **self.retires}


def planifier(
    session: Session,
    politique: str = "stable",
    graine: int = 0,
    limite_rotation_s: float = 60.0,
    avec_rotation: bool = True,
    progression: Progression | None = None,
    garde: GardeFou | None = None,
    tours_boucle: int = TOURS_BOUCLE,
) -> ResultatPlan:
    """Même entrée et même graine : même plan, octet pour octet, quelle que soit la machine.

    Aucune limite d'horloge ne décide d'un résultat (budget en temps déterministe de
    CP-SAT, un seul fil) ; le garde-fou d'horloge `garde` arrête le calcul avec
    `CalculInterrompu` au lieu de rendre un autre plan (voir `moteur.rotation.solveur`).
    Les durées mesurées (`durees`) ne sont écrites dans aucun fichier du plan.
    `tours_boucle` : nombre maximal de tours affectation ⇄ programmes (1 = sans boucle).
    """
    durees: dict[str, float] = {}
    signaler = progression or (lambda _etape, _x: None)

    debut = time.perf_counter()
    signaler("Capacité effective des projets", 0.0)
    capacites = capacite_effective(session)
    plafonds = {pid: c.capacite for pid, c in capacites.items()}
    durees["capacite"] = time.perf_counter() - debut
    acces = None
    if de_la_session(session) is not None:
        debut = time.perf_counter()
        signaler("Trajets en transport en commun", 0.02)
        acces = atteignables(session)  # un seul calcul pour tous les tours
        durees["transport"] = time.perf_counter() - debut

    exclusions: dict[str, list[str]] = {}  # élève → projets exclus (ordre d'ajout)
    reorientes: dict[str, str] = {}
    tours: list[TourBoucle] = []
    precedent: tuple[Plan, ResultatRotation] | None = None
    borne_initiale = 0
    nombre_tours = max(1, tours_boucle)
    for numero in range(1, nombre_tours + 1):
        debut = time.perf_counter()
        part = (numero - 1) / nombre_tours
        etape = "Affectation des élèves" + (f" (tour {numero})" if numero > 1 else "")
        signaler(etape, 0.05 + 0.9 * part)
        session_tour = _avec_exclusions(session, exclusions)
        resultat = affecter(
            session_tour,
            politique,
            graine,
            capacites=plafonds,
            acces=acces,
            progression=lambda x, e=etape, p=part: signaler(  # type: ignore[misc]
                e, 0.05 + 0.9 * (p + 0.25 * x / nombre_tours)
            ),
        )
        borne = borne_max_flot(session_tour, plafonds, acces=acces)
        borne_initiale = borne_initiale or borne
        durees["affectation"] = durees.get("affectation", 0.0) + time.perf_counter() - debut
        # Copie : le repli de la rotation modifie le plan, l'affectation reste telle quelle.
        plan = Plan(
            affectations={e: dataclasses.replace(a) for e, a in resultat.affectations.items()}
        )
        retires: dict[str, str] = {}
        rotation = None
        tour = TourBoucle(numero, len(resultat.placees), borne, 0, (), 0)
        tours.append(tour)
        if not avec_rotation:
            break
        debut = time.perf_counter()

        def avancer(etape: str, x: float, p: float = part) -> None:
            signaler(etape, 0.05 + 0.9 * (p + (0.25 + 0.75 * x) / nombre_tours))

        rotation, tour.composantes_replanifiees = _rotation_du_tour(
            session, plan, retires, precedent, graine, limite_rotation_s, avancer, garde
        )
        durees["rotation"] = durees.get("rotation", 0.0) + time.perf_counter() - debut
        tour.retires = len(retires)
        if not retires or numero == nombre_tours:
            break
        debut = time.perf_counter()
        signaler("Vraie capacité des projets en échec", 0.05 + 0.9 * (numero / nombre_tours))
        vraies = _vraies_capacites(
            session, plan, resultat, retires, graine, limite_rotation_s, garde
        )
        tour.essais_capacite = sum(v.essais for v in vraies.values())
        durees["capacite_vraie"] = durees.get("capacite_vraie", 0.0) + time.perf_counter() - debut
        tour.projets_limites = _resserrer(resultat, retires, plafonds, exclusions, vraies)
        reorientes.update({e: r for e, r in retires.items() if e in exclusions})
        precedent = (plan, rotation)
    signaler("Terminé", 1.0)
    return ResultatPlan(
        plan,
        resultat,
        capacites,
        rotation,
        borne,
        retires,
        durees,
        tours,
        dict(plafonds),
        {e: r for e, r in reorientes.items() if e not in retires},
        borne_initiale,
        acces,
    )


def _avec_exclusions(session: Session, exclusions: dict[str, list[str]]) -> Session:
    """La session vue par l'affectation : chaque voeu exclu est remplacé par un projet
    inconnu (ignoré), ce qui garde le rang des autres voeux. Copie légère."""
    if not exclusions:
        return session
    eleves = dict(session.eleves)
    for eid, projets in exclusions.items():
        eleve = eleves[eid]
        voeux = tuple(MARQUE_EXCLU + v if v in projets else v for v in eleve.voeux)
        eleves[eid] = dataclasses.replace(eleve, voeux=voeux)
    return dataclasses.replace(session, eleves=eleves)


@dataclass(slots=True)
class VraieCapacite:
    """La vraie capacité d'un projet en échec et les élèves qu'elle laisse dehors."""

    capacite: int
    exclus: tuple[str, ...]
    essais: int  # rotations d'essai


def _resserrer(
    resultat: ResultatAffectation,
    retires: dict[str, str],
    plafonds: dict[str, int],
    exclusions: dict[str, list[str]],
    vraies: dict[str, VraieCapacite],
) -> tuple[str, ...]:
    """Vraie capacité des projets en échec, exclusions des élèves au-delà de celle-ci."""
    touches: list[str] = []
    for eid in retires:  # ordre d'insertion : ordre fixe (pas d'ordre de set)
        pid = resultat.affectations[eid].projet_id
        if pid is None:
            continue
        if eid in vraies[pid].exclus:
            exclusions.setdefault(eid, []).append(pid)
        if pid not in touches:
            touches.append(pid)
    for pid in touches:
        plafonds[pid] = min(plafonds.get(pid, 0), vraies[pid].capacite)
    return tuple(touches)


def _vraies_capacites(
    session: Session,
    plan: Plan,
    resultat: ResultatAffectation,
    retires: dict[str, str],
    graine: int,
    limite_s: float,
    garde: GardeFou | None,
) -> dict[str, VraieCapacite]:
    """Pour chaque projet dont la rotation a retiré des élèves : sa vraie capacité (voir
    l'en-tête). Projets traités dans l'ordre des retraits ; dans une composante, chacun est
    essayé avec les élèves déjà retenus pour les projets traités avant lui."""
    partis: dict[str, list[str]] = {}
    for eid in retires:
        pid = resultat.affectations[eid].projet_id
        if pid is not None:
            partis.setdefault(pid, []).append(eid)
    if not partis:
        return {}
    appel = calculer_priorites(session, graine=graine).appel
    membres = {p: list(e) for p, e in _eleves_par_projet(plan.affectations).items()}
    total = max(1, sum(len(e) for e in membres.values()) + len(retires))
    composante = {
        p: comp for comp in composantes(session, sorted(set(membres) | set(partis))) for p in comp
    }
    vraies: dict[str, VraieCapacite] = {}
    for pid, eleves in partis.items():
        ordre = sorted(eleves, key=lambda e: (session.eleves[e].date_naissance, appel[e]))
        candidats = membres.get(pid, []) + ordre
        comp = composante[pid]
        taille = sum(len(membres.get(p, [])) for p in comp if p != pid) + len(candidats)
        budget = max(TEMPS_MIN_S, limite_s * taille / total)

        def tient(k: int, p: str = pid, c: list[str] = candidats, b: float = budget) -> bool:
            essai = {**membres, p: c[:k]}
            return _composante_tient(session, essai, composante[p], graine, b, garde)

        deja = len(membres.get(pid, []))
        capacite, essais = _plus_grande_longueur(deja, len(candidats), tient)
        membres[pid] = candidats[:capacite]
        vraies[pid] = VraieCapacite(capacite, tuple(candidats[capacite:]), essais)
    return vraies


def _plus_grande_longueur(
    tient_deja: int, echoue: int, tient: Callable[[int], bool]
) -> tuple[int, int]:
    """Dichotomie : la plus grande longueur k, tient_deja ≤ k < echoue, telle que tient(k),
    sachant tient(tient_deja) vrai et tient(echoue) faux ; rend (k, nombre d'essais)."""
    bas, haut, essais = tient_deja, echoue, 0
    while haut - bas > 1:
        milieu = (bas + haut) // 2
        essais += 1
        if tient(milieu):
            bas = milieu
        else:
            haut = milieu
    return bas, essais


def _composante_tient(
    session: Session,
    membres: dict[str, list[str]],
    comp: list[str],
    graine: int,
    budget: float,
    garde: GardeFou | None,
) -> bool:
    """Les projets de `comp`, avec ces élèves, ont-ils tous un programme complet ?"""
    affectations = {e: Affectation(e, p) for p in comp for e in membres.get(p, [])}
    if not affectations:
        return True
    essai = planifier_rotation(
        session, affectations, graine=graine, limite_s=budget, garde=garde, travailleurs=1
    )
    return not essai.echecs


def _rotation_du_tour(
    session: Session,
    plan: Plan,
    retires: dict[str, str],
    precedent: tuple[Plan, ResultatRotation] | None,
    graine: int,
    limite_s: float,
    signaler: Progression,
    garde: GardeFou | None,
) -> tuple[ResultatRotation, int]:
    """Rotation du tour : tout au premier tour ; ensuite, seules les composantes dont un
    projet a changé d'élèves sont replanifiées (les autres gardent groupes et programme)."""
    if precedent is None:
        rotation = rotation_avec_repli(session, plan, retires, graine, limite_s, signaler, garde)
        return rotation, len(rotation.composantes)
    ancien_plan, ancienne = precedent
    avant = _eleves_par_projet(ancien_plan.affectations)
    apres = _eleves_par_projet(plan.affectations)
    changes = {p for p in set(avant) | set(apres) if avant.get(p) != apres.get(p)}
    comps = composantes(session, sorted(apres))
    touches = [p for comp in comps if set(comp) & changes for p in comp]
    if not changes:
        for eid, a in plan.affectations.items():
            a.groupe = ancien_plan.affectations[eid].groupe if a.projet_id else ""
        plan.planning = list(ancienne.planning)
        return ancienne, 0
    # Un projet qui a perdu tous ses élèves n'est dans aucune composante : on retire aussi
    # son programme (sinon des groupes planifiés resteraient sans élève).
    base = _rotation_gardee(ancienne, set(touches) | changes)
    for pid in sorted(set(apres) - set(touches)):
        for eid in apres[pid]:
            plan.affectations[eid].groupe = ancien_plan.affectations[eid].groupe
    part = limite_s * len(touches) / max(1, len(apres))
    sous_plan = Plan(
        affectations={e: a for e, a in plan.affectations.items() if a.projet_id in set(touches)}
    )
    nouvelle = rotation_avec_repli(session, sous_plan, retires, graine, part, signaler, garde)
    fusion = _fusionner(base, nouvelle)
    plan.planning = list(fusion.planning)
    nombre = sum(1 for comp in comps if set(comp) & changes)
    return fusion, nombre


def _eleves_par_projet(affectations: dict[str, Affectation]) -> dict[str, tuple[str, ...]]:
    par_projet: dict[str, list[str]] = {}
    for eid, a in affectations.items():
        if a.projet_id:
            par_projet.setdefault(a.projet_id, []).append(eid)
    return {p: tuple(e) for p, e in par_projet.items()}


def _rotation_gardee(rotation: ResultatRotation, touches: set[str]) -> ResultatRotation:
    return ResultatRotation(
        planning=[x for x in rotation.planning if x.projet_id not in touches],
        groupes={p: g for p, g in rotation.groupes.items() if p not in touches},
        composantes=[c for c in rotation.composantes if not set(c.projets) & touches],
        echecs={},
        decouverte_glouton={
            p: d for p, d in rotation.decouverte_glouton.items() if p not in touches
        },
    )


def _fusionner(base: ResultatRotation, nouvelle: ResultatRotation) -> ResultatRotation:
    return ResultatRotation(
        planning=sorted(
            base.planning + nouvelle.planning, key=lambda x: (x.projet_id, x.groupe, x.date)
        ),
        groupes={**base.groupes, **nouvelle.groupes},
        composantes=base.composantes + nouvelle.composantes,
        echecs=dict(nouvelle.echecs),
        decouverte_glouton={**base.decouverte_glouton, **nouvelle.decouverte_glouton},
    )


def rotation_avec_repli(
    session: Session,
    plan: Plan,
    retires: dict[str, str],
    graine: int,
    limite_s: float,
    signaler: Progression,
    garde: GardeFou | None = None,
) -> ResultatRotation:
    """Rotation ; les élèves d'un projet sans programme possible sont retirés, puis les
    seules composantes touchées sont replanifiées (les autres gardent leur programme)."""
    affectations = plan.affectations

    def avancer(faites: int, total: int) -> None:
        signaler("Programmes des groupes", faites / max(1, total))

    rotation = planifier_rotation(
        session, affectations, graine=graine, limite_s=limite_s, progression=avancer, garde=garde
    )
    for _tour in range(TOURS_DE_REPLI):
        if not rotation.echecs:
            break
        touches = _retirer_eleves_en_echec(rotation, affectations, retires)
        projets_touches = [
            p
            for comp in composantes(session, _projets_places(affectations))
            if set(comp) & touches
            for p in comp
        ]
        gardees = [x for x in rotation.planning if x.projet_id not in projets_touches]
        sous_ensemble = {e: a for e, a in affectations.items() if a.projet_id in projets_touches}
        nouvelle = planifier_rotation(
            session, sous_ensemble, graine=graine, limite_s=limite_s / 2, garde=garde
        )
        nouvelle.planning = sorted(
            gardees + nouvelle.planning, key=lambda x: (x.projet_id, x.groupe, x.date)
        )
        nouvelle.composantes = [
            c for c in rotation.composantes if not set(c.projets) & set(projets_touches)
        ] + nouvelle.composantes
        for pid, groupes in rotation.groupes.items():
            if pid not in projets_touches:
                nouvelle.groupes[pid] = groupes
        for pid, decouverte in rotation.decouverte_glouton.items():
            if pid not in projets_touches:
                nouvelle.decouverte_glouton[pid] = decouverte
        rotation = nouvelle
    if rotation.echecs:  # dernier recours : aucun élève sans programme ne reste placé
        _retirer_eleves_en_echec(rotation, affectations, retires, tous=True)
    plan.planning = list(rotation.planning)
    return rotation


def _projets_places(affectations: dict[str, Affectation]) -> list[str]:
    return sorted({a.projet_id for a in affectations.values() if a.projet_id})


def _retirer_eleves_en_echec(
    rotation: ResultatRotation,
    affectations: dict[str, Affectation],
    retires: dict[str, str],
    tous: bool = False,
) -> set[str]:
    touches: set[str] = set()
    for pid, echec in rotation.echecs.items():
        concernes = (
            [e for e, a in affectations.items() if a.projet_id == pid]
            if tous
            else list(dict.fromkeys(echec.eleves))  # ordre fixe (pas d'ordre de set)
        )
        raison = f"retiré du projet {pid} faute de programme possible : " + " ; ".join(
            echec.raisons
        )
        for eid in concernes:
            a = affectations[eid]
            if a.projet_id == pid:
                a.projet_id, a.rang, a.groupe = None, None, ""
                retires[eid] = raison
        touches.add(pid)
    return touches


def texte_rapport_plan(session: Session, resultat: ResultatPlan) -> str:
    """Le rapport complet, en français, sans aucune donnée personnelle (`moteur.rapport`)."""
    from moteur.rapport import rapport_markdown

    return rapport_markdown(session, resultat)
