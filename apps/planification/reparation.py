"""Réparer le plan publié depuis la plateforme (issue 12, point 5).

Après la publication, la session vit : des élèves sont retirés par leur établissement
(identité, vœux et affectation supprimés), des élèves arrivent en retard (vœux sans
affectation), une structure annule des jours, un projet est retiré (il n'est plus validé).
La coordination lance « Réparer le plan publié » : le moteur (`moteur.reparation.reparer`)
garde chaque affectation et chaque journée encore valides, ne fait bouger que les élèves
dont le projet ou la journée est devenu impossible, et sert la liste d'attente.

- `calculer(session, suivi)` lit la session et le plan publiés en base tels qu'ils sont
  maintenant, répare, et rend le plan réparé (identifiants des projets, comme tout plan
  gardé à part) avec, à côté, ce que l'aperçu montre (`cle_apercu` du JSON du travail).
- Rien ne change en base avant la confirmation : le plan réparé est gardé à part sur le
  `Travail` (comme un recalcul après publication) ; la confirmation le publie par
  `taches.publier`, qui vérifie d'abord (`verifier_a_jour`) que la session n'a pas changé
  depuis le calcul (sinon : relancer la réparation).
- `apercu(travail)` : les chiffres et les listes de la page d'aperçu, en français ; les
  projets y sont désignés par leur code lisible et leur nom, les élèves par leur
  identifiant pseudonyme, jamais par un identifiant de base.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from django.apps import apps as django_apps

from apps.campagnes.models import Session
from apps.planification import lecture_moteur
from apps.planification.models import Travail
from apps.projets.models import STATUTS_VALIDES, Projet
from apps.structures.models import StructureAccueil
from moteur import modele as m
from moteur.erreurs import ErreurUtilisateur
from moteur.francais import nombre_fr
from moteur.reparation import PlanPublie, Reparation, reparer

CLE = "reparation"  # la clé du JSON du travail qui porte l'aperçu
LIGNES_MONTREES = 500  # lignes de chaque liste de l'aperçu (les chiffres comptent tout)
RAISON_RETRAIT = "retiré par son établissement (désistement) : sa place est libérée"
MESSAGE_PERIME = (
    "La session a changé depuis le calcul de cette réparation (élèves, vœux, structures, "
    "projets ou plan publié) : relancez « Réparer le plan publié » pour en tenir compte."
)
MESSAGE_SANS_PROGRAMMES = (
    "Le plan publié n'a pas encore de programmes (groupes et journées) : la réparation part "
    "d'un plan complet. Lancez les programmes, publiez-les, puis réparez si besoin."
)
MESSAGE_RIEN_DE_PUBLIE = (
    "Aucun résultat n'est publié pour cette session : il n'y a pas de plan à réparer. "
    "Lancez l'affectation et les programmes, puis publiez."
)


# --- Entrées : la session et le plan publié, lus en base maintenant --------------------------


@dataclass(slots=True)
class Entrees:
    donnees: m.Session  # projets désignés par leur code lisible (format d'échange)
    publie: PlanPublie
    retires: dict[str, str] = field(default_factory=dict)  # élève retiré → code du projet
    identifiants: dict[str, str] = field(default_factory=dict)  # code → identifiant du projet


def entrees(session: Session) -> Entrees:
    """La session (projets validés seulement : un projet retiré n'y est plus) et le plan
    publié. Un élève sans vœu et sans affectation a été retiré par son établissement : il
    sort de la session du moteur (sinon il passerait pour une arrivée tardive)."""
    donnees = lecture_moteur.session_moteur(session, statuts=STATUTS_VALIDES, par_code=True)
    plan = lecture_moteur.plan_moteur(session, par_code=True)
    publie = PlanPublie(
        affectations={e: (a.projet_id, a.groupe) for e, a in plan.affectations.items()},
        planning=list(plan.planning),
    )
    sans_place = [
        e for e, x in donnees.eleves.items() if not x.voeux and e not in plan.affectations
    ]
    for eid in sans_place:
        del donnees.eleves[eid]
    projets = Projet.objects.filter(session=session).values_list("code", "identifiant")
    identifiants = {lecture_moteur.cle_projet(c, i, True): i for c, i in projets}
    return Entrees(donnees, publie, _projets_des_retires(session, sans_place), identifiants)


def _projets_des_retires(session: Session, eleves: list[str]) -> dict[str, str]:
    """Élève retiré → code du projet de sa convention (annulée au retrait), s'il en avait
    une. Lu par le registre des apps : la planification n'importe pas les conventions."""
    if not eleves:
        return {}
    try:
        modele = django_apps.get_model("conventions", "Convention")
    except LookupError:
        return dict.fromkeys(eleves, "")
    lignes = modele.objects.filter(
        eleve__session=session, eleve__identifiant__in=eleves
    ).values_list("eleve__identifiant", "projet__code", "projet__identifiant")
    projets = {e: lecture_moteur.cle_projet(c or "", i or "", True) for e, c, i in lignes if i}
    return {e: projets[e] for e in eleves if e in projets}


def empreinte(x: Entrees) -> str:
    """L'empreinte de tout ce dont dépend la réparation : si elle a changé à la
    confirmation, le plan réparé ne correspond plus à la session."""
    contenu = {
        "jours": [j.isoformat() for j in x.donnees.jours],
        "distance_max_km": x.donnees.parametres.distance_max_km,
        "eleves": [asdict(e) for e in x.donnees.eleves.values()],
        "projets": [asdict(p) for p in x.donnees.projets.values()],
        "structures": [asdict(s) for s in x.donnees.structures.values()],
        "affectations": sorted([e, p or "", g] for e, (p, g) in x.publie.affectations.items()),
        "planning": [asdict(ligne) for ligne in x.publie.planning],
        "retires": sorted(x.retires),
    }
    texte = json.dumps(contenu, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


# --- Le calcul (dans la tâche de fond) -----------------------------------------------------


@dataclass(slots=True)
class Calcul:
    plan: m.Plan  # projets désignés par leur identifiant (forme des plans gardés à part)
    raisons: dict[str, str]
    rapport: str
    apercu: dict  # rangé sous `CLE` dans le JSON du travail


def calculer(session: Session, graine: int, suivi: Callable[[float, str], None]) -> Calcul:
    suivi(0.05, "Lecture de la session et du plan publié…")
    x = entrees(session)
    if not any(p for p, _g in x.publie.affectations.values()):
        raise ErreurUtilisateur("Le plan publié ne place aucun élève : rien à réparer.")
    if any(p and not g for p, g in x.publie.affectations.values()):
        raise ErreurUtilisateur(MESSAGE_SANS_PROGRAMMES)
    suivi(0.3, "Réparation du plan…")
    r = reparer(x.donnees, x.publie, graine=graine)
    suivi(0.85, "Comparaison avec le plan publié…")
    plan = _en_identifiants(r.plan, x.identifiants)
    resume = _resume(x, r)
    resume["empreinte"] = empreinte(x)
    return Calcul(plan, dict(r.raisons), texte_rapport(resume), resume)


def _en_identifiants(plan: m.Plan, identifiants: dict[str, str]) -> m.Plan:
    def ident(code: str | None) -> str | None:
        return identifiants.get(code, code) if code else None

    return m.Plan(
        affectations={
            e: m.Affectation(e, ident(a.projet_id), a.rang, a.groupe)
            for e, a in plan.affectations.items()
        },
        planning=[
            m.LignePlanning(
                ident(ligne.projet_id) or "", ligne.groupe, ligne.date, ligne.structure_id
            )
            for ligne in plan.planning
        ],
    )


def _resume(x: Entrees, r: Reparation) -> dict:
    """Ce que montre l'aperçu, en JSON compact (identifiants pseudonymes et codes)."""
    avant = {(ligne.projet_id, ligne.groupe, ligne.date) for ligne in x.publie.planning}
    journees_avant = {(*cle, s) for cle, s in _jours(x.publie.planning).items()}
    journees_apres = {(*cle, s) for cle, s in _jours(r.plan.planning).items()}
    bouges = {c.eleve_id for c in r.changements}
    reportes = {(j.projet_id, j.groupe) for j in r.journees}
    touches = bouges | {
        e for e, a in r.plan.affectations.items() if (a.projet_id, a.groupe) in reportes
    }
    return {
        "eleves": len(x.donnees.eleves),
        "places": sum(1 for a in r.plan.affectations.values() if a.projet_id),
        # placés à la publication : encore en base, ou retirés depuis (avec leur projet)
        "places_avant": sum(1 for p, _g in x.publie.affectations.values() if p)
        + sum(1 for p in x.retires.values() if p),
        "gardes": r.gardes,
        "journees": len(avant),
        "journees_gardees": len(journees_avant & journees_apres),
        "retires": sorted([e, p] for e, p in x.retires.items()),
        "changements": [
            [c.eleve_id, c.avant_projet, c.avant_groupe, c.apres_projet, c.apres_groupe, c.raison]
            for c in r.changements
        ],
        "reportees": [
            [j.projet_id, j.groupe, j.date.isoformat(), j.avant, j.apres, j.raison]
            for j in r.journees
        ],
        "attente": [[a.position, a.eleve_id, a.projet_id, a.groupe, a.nouveau] for a in r.attente],
        "non_places": sorted([e, raison] for e, raison in r.raisons.items()),
        "touches": sorted(touches),
    }


def _jours(planning: list[m.LignePlanning]) -> dict[tuple[str, str, date], str]:
    return {(ligne.projet_id, ligne.groupe, ligne.date): ligne.structure_id for ligne in planning}


def texte_rapport(resume: dict) -> str:
    """Le compte rendu du travail (page de progression), en français."""
    servis = sum(1 for a in resume["attente"] if a[2])
    deplaces = sum(1 for c in resume["changements"] if c[1] and c[3])
    lignes = [
        f"Affectations gardées telles quelles : {nombre_fr(resume['gardes'])} sur "
        f"{nombre_fr(resume['places_avant'])} élèves placés au plan publié.",
        f"Journées de programme gardées : {nombre_fr(resume['journees_gardees'])} sur "
        f"{nombre_fr(resume['journees'])} ; journées reportées : "
        f"{nombre_fr(len(resume['reportees']))}.",
        f"Élèves qui changent de projet ou de groupe : {nombre_fr(deplaces)} ; élèves retirés : "
        f"{nombre_fr(len(resume['retires']))}.",
        f"Liste d'attente : {nombre_fr(len(resume['attente']))} élève(s), dont "
        f"{nombre_fr(servis)} placé(s) sur une place libérée.",
        f"Élèves placés après réparation : {nombre_fr(resume['places'])} sur "
        f"{nombre_fr(resume['eleves'])}.",
        "Rien n'a encore changé : revoyez l'aperçu de la réparation puis confirmez-la pour "
        "qu'elle remplace le plan publié.",
    ]
    return "\n".join(lignes)


def graine_de_l_affectation(session: Session) -> int:
    """La graine du tirage au sort de la dernière affectation terminée : la liste d'attente
    suit le même ordre du barème que l'affectation publiée."""
    derniere = (
        Travail.objects.filter(
            session=session, type=Travail.Type.AFFECTATION, etat=Travail.Etat.TERMINE
        )
        .order_by("-termine_le", "-pk")
        .first()
    )
    try:
        return max(0, int((derniere.parametres if derniere else {}).get("graine", 0)))
    except (TypeError, ValueError):
        return 0


def eleves_qui_bougent(travail: Travail) -> list[str]:
    """Les élèves dont le projet ou le groupe change (ou qui perdent leur place)."""
    resume = (travail.plan or {}).get(CLE) or {}
    return [c[0] for c in resume.get("changements", [])]


# --- La confirmation -----------------------------------------------------------------------


def verifier_a_jour(session: Session, travail: Travail) -> None:
    """Lève `ErreurUtilisateur` si la session a changé depuis le calcul de la réparation
    (appelé sous le verrou de la session, juste avant de remplacer le plan publié)."""
    resume = (travail.plan or {}).get(CLE) or {}
    if resume.get("empreinte") != empreinte(entrees(session)):
        raise ErreurUtilisateur(MESSAGE_PERIME)


# --- L'aperçu ------------------------------------------------------------------------------


@dataclass(slots=True)
class Mouvement:
    eleve: str
    avant: str
    apres: str
    raison: str


@dataclass(slots=True)
class JourneeReportee:
    projet: str
    groupe: str
    jour: date
    avant: str
    apres: str
    raison: str


@dataclass(slots=True)
class Servi:
    rang: int
    eleve: str
    arrivee_tardive: bool
    resultat: str


@dataclass(slots=True)
class Apercu:
    travail: Travail
    eleves: int
    places: int
    places_avant: int
    gardes: int
    journees: int
    journees_gardees: int
    retires: list[Mouvement]
    mouvements: list[Mouvement]
    reportees: list[JourneeReportee]
    attente: list[Servi]
    non_places: list[tuple[str, str]]
    conventions_touchees: int
    signees_touchees: int

    @property
    def servis(self) -> int:
        return sum(1 for a in self.attente if a.resultat)

    @property
    def caches(self) -> int:
        """Élèves qui bougent au-delà des lignes montrées."""
        return max(0, len(self.mouvements) - LIGNES_MONTREES)


def travail_en_attente(session: Session) -> Travail | None:
    """Le travail de réparation dont le plan attend la confirmation, s'il y en a un."""
    travail = Travail.objects.plan_en_attente(session.pk)
    if travail is None or travail.type != Travail.Type.REPARATION:
        return None
    return travail if CLE in (travail.plan or {}) else None


def apercu(session: Session, statuts_conventions: dict[str, str]) -> Apercu | None:
    travail = travail_en_attente(session)
    if travail is None:
        return None
    r = travail.plan[CLE]
    projets = _libelles_projets(session)
    structures = dict(
        StructureAccueil.objects.filter(session=session).values_list("identifiant", "nom")
    )

    def place(code: str, groupe: str) -> str:
        return f"{projets.get(code, code)}, groupe {groupe}" if code else ""

    mouvements = [
        Mouvement(e, place(ap, ag) or "non placé", place(pp, pg) or "non placé", raison)
        for e, ap, ag, pp, pg, raison in r["changements"]
    ]
    touches = [statuts_conventions[e] for e in r["touches"] if e in statuts_conventions]
    touches = [s for s in touches if s != "annulee"]
    return Apercu(
        travail=travail,
        eleves=r["eleves"],
        places=r["places"],
        places_avant=r["places_avant"],
        gardes=r["gardes"],
        journees=r["journees"],
        journees_gardees=r["journees_gardees"],
        retires=[
            Mouvement(e, projets.get(p, p) if p else "—", "retiré", RAISON_RETRAIT)
            for e, p in r["retires"]
        ],
        mouvements=mouvements,
        reportees=[
            JourneeReportee(
                projets.get(p, p),
                g,
                date.fromisoformat(jour),
                structures.get(avant, avant) if avant else "—",
                structures.get(apres, apres),
                raison,
            )
            for p, g, jour, avant, apres, raison in r["reportees"]
        ],
        attente=[Servi(rang, e, nouveau, place(p, g)) for rang, e, p, g, nouveau in r["attente"]],
        non_places=[(e, raison) for e, raison in r["non_places"]],
        conventions_touchees=len(touches),
        signees_touchees=sum(1 for s in touches if s == "signee"),
    )


def _libelles_projets(session: Session) -> dict[str, str]:
    """Code lisible → « code — nom » pour chaque projet de la session."""
    return {
        lecture_moteur.cle_projet(code, ident, True): f"{code or ident} — {nom}"
        for code, ident, nom in Projet.objects.filter(session=session).values_list(
            "code", "identifiant", "nom"
        )
    }
