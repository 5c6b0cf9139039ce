"""`rapport.md` : une page de chiffres d'abord, le détail ensuite."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from moteur.affectation import Indicateurs, calculer_indicateurs, texte_rapport
from moteur.francais import nombre_fr, points_fr, pourcent_fr, texte_fr
from moteur.modele import Session
from moteur.rotation.mesures import decouverte_par_projet, mesurer

if TYPE_CHECKING:
    from moteur.planificateur import ResultatPlan


@dataclass(frozen=True, slots=True)
class Chiffres:
    """Les chiffres de la première page, calculés sur le plan écrit (après la rotation)."""

    eleves: int
    places: int
    borne: int
    borne_initiale: int
    indicateurs: Indicateurs
    groupes: int
    domaines_par_groupe: float
    reorientes: int
    retires: int
    statuts: dict[str, int]
    ecart_max_pct: float | None
    face_au_glouton: FaceAuGlouton | None = None


@dataclass(frozen=True, slots=True)
class FaceAuGlouton:
    """Domaines ROME distincts par groupe du plan et de la rotation gloutonne de départ
    (mêmes groupes), sur les projets où le glouton a réussi."""

    projets: int
    plan: float
    glouton: float


def face_au_glouton(session: Session, resultat: ResultatPlan) -> FaceAuGlouton | None:
    rotation = resultat.rotation
    if rotation is None or not rotation.decouverte_glouton:
        return None
    plan = decouverte_par_projet(session, resultat.plan.planning)
    communs = sorted(set(plan) & set(rotation.decouverte_glouton))
    if not communs:
        return None
    somme = [sum(d[i] for d in (plan[p] for p in communs)) for i in (0, 1)]
    gloutons = [rotation.decouverte_glouton[p] for p in communs]
    return FaceAuGlouton(
        projets=len(communs),
        plan=somme[0] / max(1, somme[1]),
        glouton=sum(d for d, _ in gloutons) / max(1, sum(g for _, g in gloutons)),
    )


def chiffres_du_plan(session: Session, resultat: ResultatPlan) -> Chiffres:
    plan = resultat.plan
    placees: dict[str, tuple[str, int] | None] = {}
    for eid, a in plan.affectations.items():
        placees[eid] = (a.projet_id, a.rang or 0) if a.projet_id else None
    indicateurs = calculer_indicateurs(session, placees, resultat.affectation.capacites)
    mesures = mesurer(session, plan.planning)
    statuts: Counter[str] = Counter()
    ecarts: list[float] = []
    if resultat.rotation is not None:
        for c in resultat.rotation.composantes:
            statuts[c.statut] += 1
            if c.ecart is not None:
                ecarts.append(100 * c.ecart)
        statuts["sans programme"] += len(resultat.rotation.echecs)
    return Chiffres(
        eleves=len(session.eleves),
        places=indicateurs.eleves_places,
        borne=resultat.borne,
        borne_initiale=resultat.borne_initiale or resultat.borne,
        indicateurs=indicateurs,
        groupes=mesures.groupes,
        domaines_par_groupe=mesures.domaines_par_groupe,
        reorientes=len(resultat.reorientes),
        retires=len(resultat.retires),
        statuts={k: v for k, v in sorted(statuts.items()) if v},
        ecart_max_pct=max(ecarts, default=None),
        face_au_glouton=face_au_glouton(session, resultat),
    )


def rapport_markdown(session: Session, resultat: ResultatPlan) -> str:
    """Le rapport complet, en français, sans durée ni donnée personnelle."""
    c = chiffres_du_plan(session, resultat)
    lignes = [
        "# Rapport du planificateur",
        "",
        f"Session : {session.parametres.nom} — politique `{resultat.affectation.politique}`, "
        f"graine {resultat.affectation.graine}.",
        "",
        "## L'essentiel en chiffres",
        "",
        "| | |",
        "|---|---|",
        *_page_de_chiffres(c, resultat.rotation is not None),
        "",
        "Le tableau par composante de la rotation (statut, objectif, borne, écart) est dans "
        "`composantes.csv`, à côté de ce rapport.",
    ]
    lignes += _lignes_boucle(resultat)
    lignes += _lignes_ecarts(session, resultat)
    lignes += ["", "## Capacité effective des projets", ""]
    limites = [x for x in resultat.capacites.values() if x.capacite < x.places]
    if not limites:
        lignes.append("Tous les projets peuvent accueillir leurs places chaque jour.")
    for x in limites:
        lignes.append(f"- {x.projet_id} : {x.capacite} sur {x.places} places. {x.explication}")
    lignes += ["", "## Affectation (dernier tour de la boucle)", ""]
    lignes += [texte_rapport(resultat.affectation, resultat.borne)]
    lignes += ["", "## Élèves non placés", ""]
    raisons = resultat.raisons
    non_places = [
        e for e in session.eleves if e in raisons and not resultat.plan.affectations[e].projet_id
    ]
    if not non_places:
        lignes.append("Tous les élèves sont placés.")
    lignes += [f"- {e} : {texte_fr(raisons[e], insecables=True)}" for e in non_places]
    return "\n".join(lignes) + "\n"


def _ligne_face_au_glouton(face: FaceAuGlouton | None) -> list[str]:
    if face is None:
        return []
    return [
        f"| Découverte face au glouton | {nombre_fr(face.plan, 2)} domaines par groupe "
        f"contre {nombre_fr(face.glouton, 2)} pour la rotation gloutonne de départ, mêmes "
        f"groupes ({nombre_fr(face.projets)} projets où le glouton réussit) |"
    ]


def _page_de_chiffres(c: Chiffres, avec_rotation: bool) -> list[str]:
    ind = c.indicateurs
    ecart_borne = c.borne - c.places
    lignes = [
        f"| Élèves placés | **{nombre_fr(c.places)}** sur {nombre_fr(c.eleves)} "
        f"({pourcent_fr(ind.taux_placement)}) |",
        f"| Borne de l'affectation (capacités que les programmes tiennent) | "
        f"{nombre_fr(c.borne)} (avant la boucle : {nombre_fr(c.borne_initiale)}) |",
        f"| Premier vœu | {nombre_fr(ind.premier_voeu)} élèves "
        f"({pourcent_fr(ind.taux_premier_voeu)} de tous) ; rang moyen "
        f"{nombre_fr(ind.rang_moyen, 2)} |",
        f"| Chances : boursiers / autres | {pourcent_fr(ind.taux_boursiers)} / "
        f"{pourcent_fr(ind.taux_non_boursiers)} "
        f"({points_fr(ind.taux_boursiers - ind.taux_non_boursiers)}) |",
        f"| Chances : ruraux / autres | {pourcent_fr(ind.taux_ruraux)} / "
        f"{pourcent_fr(ind.taux_non_ruraux)} "
        f"({points_fr(ind.taux_ruraux - ind.taux_non_ruraux)}) |",
        f"| Mixité (aucun genre sous 30 %) | {pourcent_fr(ind.part_mixite)} des projets "
        f"demandés par les deux genres ({nombre_fr(ind.projets_mixtes)} sur "
        f"{nombre_fr(ind.projets_deux_genres)}) |",
    ]
    if avec_rotation:
        statuts = ", ".join(f"{k} {nombre_fr(v)}" for k, v in c.statuts.items()) or "aucune"
        lignes += [
            f"| Découverte | {nombre_fr(c.domaines_par_groupe, 2)} domaines ROME distincts "
            f"par groupe ({nombre_fr(c.groupes)} groupes) |",
            *_ligne_face_au_glouton(c.face_au_glouton),
            f"| Composantes de la rotation | {statuts} ; plus grand écart à la borne : "
            f"{pourcent_fr(c.ecart_max_pct)} |",
        ]
    lignes += [
        f"| Écart au plan : borne − placés | {nombre_fr(ecart_borne)} élève"
        f"{'s' if abs(ecart_borne) > 1 else ''} (chacun expliqué plus bas) |",
        f"| Réorientés par la boucle | {nombre_fr(c.reorientes)} élèves retirés d'un projet "
        "sans programme possible, proposés à leurs autres vœux |",
    ]
    return lignes


def _lignes_boucle(resultat: ResultatPlan) -> list[str]:
    if len(resultat.tours) <= 1 and not resultat.retires:
        return []
    lignes = [
        "",
        "## Boucle affectation ⇄ programmes",
        "",
        "| tour | placés par l'affectation | borne | retirés par la rotation "
        "| projets ramenés à leur vraie capacité | rotations d'essai (dichotomie) "
        "| composantes replanifiées |",
        "|---:|---:|---:|---:|---|---:|---:|",
    ]
    for t in resultat.tours:
        projets = ", ".join(f"{p} ({resultat.plafonds.get(p, 0)})" for p in t.projets_limites)
        lignes.append(
            f"| {t.numero} | {nombre_fr(t.places_affectation)} | {nombre_fr(t.borne)} | "
            f"{nombre_fr(t.retires)} | {projets or '—'} | {nombre_fr(t.essais_capacite)} | "
            f"{nombre_fr(t.composantes_replanifiees)} |"
        )
    return lignes


def _lignes_ecarts(session: Session, resultat: ResultatPlan) -> list[str]:
    lignes = ["", "## Écarts restants et leur preuve", ""]
    places = sum(1 for a in resultat.plan.affectations.values() if a.projet_id)
    if not resultat.retires and places >= resultat.borne:
        lignes.append(
            f"Aucun : le plan place {nombre_fr(places)} élèves, la borne de l'affectation "
            "pour les capacités que les programmes tiennent."
        )
        return lignes
    if places < resultat.borne and not resultat.retires:
        lignes.append(
            f"L'affectation `{resultat.affectation.politique}` place {nombre_fr(places)} "
            f"élèves pour une borne de {nombre_fr(resultat.borne)} (voir « Affectation »)."
        )
    par_raison: dict[str, list[str]] = {}
    for eid in session.eleves:
        if eid in resultat.retires:
            par_raison.setdefault(resultat.retires[eid], []).append(eid)
    for raison, eleves in par_raison.items():
        lignes.append(f"- {nombre_fr(len(eleves))} élève(s) ({', '.join(eleves)}) : {raison}")
    return lignes
