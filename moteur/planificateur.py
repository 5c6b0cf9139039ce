"""La chaîne complète du planificateur : capacité effective → affectation → rotation.

C'est ce qu'appellent la commande `plan`, la plateforme (tâche de fond) et les benchmarks.

1. La capacité effective de chaque projet (ce que ses structures accueillent chaque jour,
   dans leurs `jours_max`) borne l'affectation : on ne place jamais plus d'élèves qu'un
   projet ne peut en recevoir chaque jour.
2. L'affectation place les élèves selon la politique choisie (`stable` ou `optimal`).
3. La rotation forme les groupes et leur programme jour par jour. Si un projet n'a pas de
   programme possible (âges, jours), les élèves en cause sont retirés du projet avec la
   raison, et la composante est replanifiée : un plan écrit respecte toujours les six
   règles.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from moteur.affectation import ResultatAffectation, affecter, borne_max_flot, texte_rapport
from moteur.modele import Affectation, Plan, Session
from moteur.rotation import CapaciteEffective, ResultatRotation, capacite_effective
from moteur.rotation.capacite import composantes
from moteur.rotation.cpsat import planifier_rotation
from moteur.rotation.solveur import GardeFou

# (étape en français, avancement de 0 à 1)
Progression = Callable[[str, float], None]
TOURS_DE_REPLI = 3


@dataclass(slots=True)
class ResultatPlan:
    plan: Plan
    affectation: ResultatAffectation
    capacites: dict[str, CapaciteEffective]
    rotation: ResultatRotation | None
    borne: int
    # Élèves retirés après l'affectation faute de programme possible : id → raison.
    retires: dict[str, str] = field(default_factory=dict)
    durees: dict[str, float] = field(default_factory=dict)

    @property
    def raisons(self) -> dict[str, str]:
        """Raison de chaque élève non placé (affectation ou rotation)."""
        return {**self.affectation.raisons, **self.retires}


def planifier(
    session: Session,
    politique: str = "stable",
    graine: int = 0,
    limite_rotation_s: float = 60.0,
    avec_rotation: bool = True,
    progression: Progression | None = None,
    garde: GardeFou | None = None,
) -> ResultatPlan:
    """Même entrée et même graine : même plan, octet pour octet, quelle que soit la machine.

    Aucune limite d'horloge ne décide d'un résultat (budget en temps déterministe de
    CP-SAT, un seul fil) ; le garde-fou d'horloge `garde` arrête le calcul avec
    `CalculInterrompu` au lieu de rendre un autre plan (voir `moteur.rotation.solveur`).
    Les durées mesurées (`durees`) ne sont écrites dans aucun fichier du plan.
    """
    durees: dict[str, float] = {}
    signaler = progression or (lambda _etape, _x: None)

    debut = time.perf_counter()
    signaler("Capacité effective des projets", 0.0)
    capacites = capacite_effective(session)
    plafonds = {pid: c.capacite for pid, c in capacites.items()}
    durees["capacite"] = time.perf_counter() - debut

    debut = time.perf_counter()
    signaler("Affectation des élèves", 0.05)
    resultat = affecter(
        session,
        politique,
        graine,
        capacites=plafonds,
        progression=lambda x: signaler("Affectation des élèves", 0.05 + 0.25 * x),
    )
    borne = borne_max_flot(session, plafonds)
    durees["affectation"] = time.perf_counter() - debut

    plan = Plan(affectations=resultat.affectations)
    retires: dict[str, str] = {}
    rotation = None
    if avec_rotation:
        debut = time.perf_counter()
        rotation = rotation_avec_repli(
            session, plan, retires, graine, limite_rotation_s, signaler, garde
        )
        durees["rotation"] = time.perf_counter() - debut
    signaler("Terminé", 1.0)
    return ResultatPlan(plan, resultat, capacites, rotation, borne, retires, durees)


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
        signaler("Programmes des groupes", 0.3 + 0.65 * faites / max(1, total))

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
    """Le rapport complet, en français, sans aucune donnée personnelle."""
    lignes = ["# Rapport du planificateur", "", f"Session : {session.parametres.nom}", ""]
    lignes += ["## Affectation", "", texte_rapport(resultat.affectation, resultat.borne), ""]
    places_finales = sum(1 for a in resultat.plan.affectations.values() if a.projet_id)
    lignes.append(
        f"Après la construction des programmes : {places_finales} élèves placés "
        f"(max-flot : {resultat.borne})."
    )
    lignes += ["", "## Capacité effective des projets", ""]
    limites = [c for c in resultat.capacites.values() if c.capacite < c.places]
    if not limites:
        lignes.append("Tous les projets peuvent accueillir leurs places chaque jour.")
    for c in limites:
        lignes.append(f"- {c.projet_id} : {c.capacite} sur {c.places} places. {c.explication}")
    if resultat.rotation is not None:
        lignes += ["", "## Programmes (rotation)", ""]
        lignes += _lignes_rotation(resultat.rotation)
    lignes += ["", "## Élèves non placés", ""]
    raisons = resultat.raisons
    if not raisons:
        lignes.append("Tous les élèves sont placés.")
    for eid in session.eleves:
        if eid in raisons and not resultat.plan.affectations[eid].projet_id:
            lignes.append(f"- {eid} : {raisons[eid]}")
    # Pas de durées ici : même entrée et même graine donnent le même rapport, octet pour octet.
    return "\n".join(lignes) + "\n"


def _lignes_rotation(rotation: ResultatRotation) -> list[str]:
    lignes = ["| projets | statut | objectif | borne | écart |", "|---|---|---|---|---|"]
    for c in rotation.composantes:
        ecart = "" if c.ecart is None else f"{100 * c.ecart:.1f} %"
        objectif = "" if c.objectif is None else f"{c.objectif:g}"
        borne = "" if c.borne is None else f"{c.borne:g}"
        lignes.append(f"| {', '.join(c.projets)} | {c.statut} | {objectif} | {borne} | {ecart} |")
    for pid, echec in rotation.echecs.items():
        lignes.append(f"- Projet {pid} sans programme : " + " ; ".join(echec.raisons))
    return lignes
