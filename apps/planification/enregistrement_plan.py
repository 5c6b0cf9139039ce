"""Moteur → base : le plan calculé (affectations, groupes, créneaux) enregistré en base.

Aucun nom d'élève n'est écrit dans un message : seulement des identifiants pseudonymes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from apps.campagnes.models import Session
from apps.etablissements.models import Eleve
from apps.planification.enregistrement_session import LOT
from apps.planification.models import Affectation
from apps.projets.models import Creneau, Groupe, Projet
from apps.structures.models import StructureAccueil
from moteur import modele as m
from moteur.erreurs import ErreurUtilisateur, Probleme


def _inconnus(quoi: str, valeurs: Iterable[str], connus: Mapping[str, int]) -> list[Probleme]:
    manquants = sorted({v for v in valeurs if v not in connus})
    if not manquants:
        return []
    return [Probleme(f"{quoi} inconnu(s) dans la session : {', '.join(manquants[:10])}")]


def enregistrer_plan(
    session: Session, plan: m.Plan, raisons: Mapping[str, str] | None = None
) -> None:
    """Remplace le plan de la session (affectations non publiées, groupes, créneaux).

    `raisons` : pour un élève non placé, pourquoi (règle ou manque qui l'a bloqué).
    """
    raisons = raisons or {}
    eleves = dict(Eleve.objects.filter(session=session).values_list("identifiant", "pk"))
    projets = dict(Projet.objects.filter(session=session).values_list("identifiant", "pk"))
    structures = dict(
        StructureAccueil.objects.filter(session=session).values_list("identifiant", "pk")
    )
    problemes = (
        _inconnus("élève(s)", plan.affectations, eleves)
        + _inconnus(
            "projet(s)",
            [a.projet_id for a in plan.affectations.values() if a.projet_id]
            + [ligne.projet_id for ligne in plan.planning],
            projets,
        )
        + _inconnus("structure(s)", [ligne.structure_id for ligne in plan.planning], structures)
    )
    if problemes:
        raise ErreurUtilisateur(problemes)
    with transaction.atomic():
        Affectation.objects.filter(eleve__session=session).delete()
        Creneau.objects.filter(groupe__projet__session=session).delete()
        Groupe.objects.filter(projet__session=session).delete()
        groupes = _creer_groupes(session, plan, projets)
        _creer_affectations(plan, raisons, (eleves, projets, groupes))
        _creer_creneaux(plan, groupes, structures)


def _creer_groupes(
    session: Session, plan: m.Plan, projets: Mapping[str, int]
) -> dict[tuple[str, str], int]:
    cles = {(ligne.projet_id, ligne.groupe) for ligne in plan.planning}
    cles |= {
        (a.projet_id, a.groupe) for a in plan.affectations.values() if a.projet_id and a.groupe
    }
    Groupe.objects.bulk_create(
        [Groupe(projet_id=projets[p], libelle=g) for p, g in sorted(cles)], batch_size=LOT
    )
    return {
        (p, g): pk
        for p, g, pk in Groupe.objects.filter(projet__session=session).values_list(
            "projet__identifiant", "libelle", "pk"
        )
    }


def _creer_affectations(
    plan: m.Plan,
    raisons: Mapping[str, str],
    pks: tuple[Mapping[str, int], Mapping[str, int], Mapping[tuple[str, str], int]],
) -> None:
    """Les affectations du plan ; `pks` : (élèves, projets, groupes) → clé en base."""
    eleves, projets, groupes = pks
    Affectation.objects.bulk_create(
        [
            Affectation(
                eleve_id=eleves[a.eleve_id],
                projet_id=projets[a.projet_id] if a.projet_id else None,
                rang=a.rang if a.projet_id else None,
                groupe_id=groupes.get((a.projet_id, a.groupe)) if a.projet_id else None,
                raison="" if a.projet_id else raisons.get(a.eleve_id, ""),
            )
            for a in plan.affectations.values()
        ],
        batch_size=LOT,
    )


def _creer_creneaux(
    plan: m.Plan, groupes: Mapping[tuple[str, str], int], structures: Mapping[str, int]
) -> None:
    Creneau.objects.bulk_create(
        [
            Creneau(
                groupe_id=groupes[(ligne.projet_id, ligne.groupe)],
                date=ligne.date,
                structure_id=structures[ligne.structure_id],
            )
            for ligne in plan.planning
        ],
        batch_size=LOT,
    )
