"""Les données de la page « Où recruter ? » : la session et la dernière affectation (plan en
attente de publication, sinon résultats publiés), passées au conseiller du moteur.

L'app conseil lit la planification (modèles, `lecture_moteur`) ; la planification n'importe
jamais le conseil. Le calcul (quelques secondes à la taille de la Normandie) est gardé en
cache, par session et par affectation.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache

from apps.campagnes.models import Session
from apps.carte.couverture import couverture
from apps.etablissements.models import Etablissement
from apps.planification import lecture_moteur
from apps.planification.models import Travail
from apps.projets.models import STATUTS_VALIDES, Projet
from apps.territoires.models import Epci
from moteur import modele as m
from moteur.conseiller import (
    Conseil,
    PressionProjet,
    PressionTerritoire,
    conseiller,
    pression_projets,
    pression_territoires,
)

DUREE_CACHE_S = 600


@dataclass(slots=True)
class Source:
    plan: m.Plan
    libelle: str
    politique: str
    graine: int
    cle: str


@dataclass(slots=True)
class DemandeLycee:
    uai: str
    nom: str
    latitude: float
    longitude: float
    epci: str
    non_places: int
    couvert: bool  # un projet validé à portée


@dataclass(slots=True)
class Page:
    donnees: m.Session
    source: Source | None
    conseil: Conseil | None
    pression_projets: list[PressionProjet]
    pression_territoires: list[PressionTerritoire]
    lycees: list[DemandeLycee] = field(default_factory=list)
    noms_epci: dict[str, str] = field(default_factory=dict)
    projets_pk: dict[str, int] = field(default_factory=dict)


def _parametres_affectation(session: Session) -> tuple[str, int]:
    travail = (
        Travail.objects.filter(
            session=session, type=Travail.Type.AFFECTATION, etat=Travail.Etat.TERMINE
        )
        .order_by("-termine_le", "-pk")
        .first()
    )
    if travail is None:
        return "stable", 0
    politique = travail.parametres.get("politique", "stable")
    return (politique if politique in ("stable", "optimal") else "stable"), int(
        travail.parametres.get("graine", 0)
    )


def source(session: Session) -> Source | None:
    """Le plan en attente de publication s'il y en a un, sinon les résultats publiés."""
    attente = Travail.objects.plan_en_attente(session.pk)
    if attente is not None:
        plan, _ = attente.plan_moteur()
        politique = attente.parametres.get("politique", "stable")
        graine = int(attente.parametres.get("graine", 0))
        if politique not in ("stable", "optimal"):
            politique = "stable"
        libelle = "le plan en attente de publication"
        return Source(plan, libelle, politique, graine, f"t{attente.pk}")
    if not lecture_moteur.a_un_plan(session):
        return None
    plan = lecture_moteur.plan_moteur(session)
    politique, graine = _parametres_affectation(session)
    empreinte = hashlib.sha256(
        "".join(f"{a.eleve_id}>{a.projet_id};" for a in plan.affectations.values()).encode()
    ).hexdigest()[:16]
    return Source(plan, "les résultats publiés", politique, graine, f"p{empreinte}")


def calculer(session: Session) -> Page:
    donnees = lecture_moteur.session_moteur(session, statuts=STATUTS_VALIDES, transport=False)
    src = source(session)
    conseil = None
    if src is not None and donnees.eleves and donnees.projets:
        cle = f"conseil:{session.pk}:{src.cle}:{src.politique}:{src.graine}"
        conseil = cache.get(cle)
        if conseil is None:
            conseil = conseiller(donnees, src.plan, src.politique, src.graine)
            cache.set(cle, conseil, DUREE_CACHE_S)
    page = Page(donnees, src, conseil, pression_projets(donnees), pression_territoires(donnees))
    page.lycees = _demande(session, donnees, conseil)
    codes = {t.epci for t in page.pression_territoires} | {ly.epci for ly in page.lycees}
    page.noms_epci = dict(Epci.objects.filter(code__in=codes).values_list("code", "nom"))
    page.projets_pk = dict(Projet.objects.de_la_session(session).values_list("identifiant", "pk"))
    return page


def _demande(session: Session, donnees: m.Session, conseil: Conseil | None) -> list[DemandeLycee]:
    """Par lycée : élèves sans place et couverture par un projet validé à portée."""
    sans_place: Counter[str] = Counter()
    if conseil is not None:
        for eid in conseil.non_places:
            eleve = donnees.eleves.get(eid)
            if eleve is not None:
                sans_place[eleve.uai] += 1
    couverts = {c.etablissement.uai: c.couvert for c in couverture(session)}
    lycees = Etablissement.objects.filter(
        uai__in=set(sans_place) | {uai for uai, couvert in couverts.items() if not couvert}
    ).select_related("commune")
    resultat = [
        DemandeLycee(
            ly.uai,
            ly.nom,
            ly.latitude,
            ly.longitude,
            ly.commune.epci_id or "",
            sans_place[ly.uai],
            couverts.get(ly.uai, False),
        )
        for ly in lycees
    ]
    return sorted(resultat, key=lambda d: (-d.non_places, d.couvert, d.nom))
