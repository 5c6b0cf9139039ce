"""Le conseiller de recrutement : où une place, un jour ou un projet de plus placent le
plus d'élèves (issue 13). Sans Django ; voir docs/conseiller.md.

API :
- `conseiller(session, plan, politique, graine, bareme=None) -> Conseil` ;
- `appliquer(session, recommandation) -> Session` : la session avec la recommandation
  appliquée (définition exacte de chaque action) ;
- `pression_projets(session)`, `pression_territoires(session)` : avant l'affectation ;
- `ecrire_recommandations(chemin, recommandations)`.
"""

from __future__ import annotations

import time

from moteur.affectation.bareme import Bareme, bareme_defaut
from moteur.conseiller.application import appliquer, appliquer_modifications
from moteur.conseiller.ecriture import ecrire_concernes, ecrire_pression, ecrire_recommandations
from moteur.conseiller.evaluation import Evaluateur
from moteur.conseiller.modele import ACTIONS, COLONNES, Conseil, Modification, Recommandation
from moteur.conseiller.pression import (
    PressionProjet,
    PressionTerritoire,
    pression_projets,
    pression_territoires,
)
from moteur.conseiller.recommandations import (
    completer_premiers_voeux,
    recommandations_jour,
    recommandations_places,
    trier,
)
from moteur.conseiller.territoires import recommandations_nouveaux, sans_solution
from moteur.modele import Plan, Session

TAILLE_MAX = 30  # places au plus par recommandation (un projet de taille ordinaire)
PREMIERS_VOEUX_OPTIMAL = 3


def conseiller(
    session: Session,
    plan: Plan | None,
    politique: str = "stable",
    graine: int = 0,
    bareme: Bareme | None = None,
    taille_max: int = TAILLE_MAX,
    premiers_voeux_optimal: int = PREMIERS_VOEUX_OPTIMAL,
) -> Conseil:
    """Recommandations classées, du plus grand gain au plus petit (voir docs/conseiller.md)."""
    durees: dict[str, float] = {}
    debut = time.perf_counter()
    ev = Evaluateur(session, politique, graine, bareme or bareme_defaut())
    durees["reference"] = time.perf_counter() - debut
    places_plan = ev.places
    non_places = [eid for e, eid in enumerate(ev.instance.eleve_ids) if ev.projet[e] < 0]
    avertissements = []
    if plan is not None:
        places_plan = sum(1 for a in plan.affectations.values() if a.projet_id)
        non_places = [eid for eid in session.eleves if not _place(plan, eid)]
        if places_plan != ev.places:
            avertissements.append(
                f"le PLAN place {places_plan} élèves, l'affectation relancée ({politique}, "
                f"graine {graine}) en place {ev.places} : les gains sont comptés par rapport à "
                "l'affectation relancée (le plan vient peut-être d'une autre politique ou graine, "
                "ou la rotation a retiré des élèves)."
            )
    recos: list[Recommandation] = []
    debut = time.perf_counter()
    recos += recommandations_places(ev, taille_max)
    durees["places"] = time.perf_counter() - debut
    debut = time.perf_counter()
    recos += recommandations_jour(ev)
    durees["jour"] = time.perf_counter() - debut
    debut = time.perf_counter()
    recos += recommandations_nouveaux(ev, sans_solution(ev), taille_max)
    durees["nouveau_projet"] = time.perf_counter() - debut
    classees = trier(recos)
    if politique == "optimal":
        debut = time.perf_counter()
        completer_premiers_voeux(ev, classees, premiers_voeux_optimal)
        durees["premiers_voeux"] = time.perf_counter() - debut
    return Conseil(
        politique=politique,
        graine=graine,
        eleves=len(session.eleves),
        places_reference=ev.places,
        places_plan=places_plan,
        premiers_voeux_reference=ev.premiers,
        recommandations=classees,
        avertissements=avertissements,
        non_places=non_places,
        durees=durees,
    )


def _place(plan: Plan, eleve_id: str) -> bool:
    affectation = plan.affectations.get(eleve_id)
    return affectation is not None and affectation.projet_id is not None


__all__ = [
    "ACTIONS",
    "COLONNES",
    "Conseil",
    "Modification",
    "PressionProjet",
    "PressionTerritoire",
    "Recommandation",
    "appliquer",
    "appliquer_modifications",
    "conseiller",
    "ecrire_concernes",
    "ecrire_pression",
    "ecrire_recommandations",
    "pression_projets",
    "pression_territoires",
]
