"""Appliquer une recommandation à une session (copie) : c'est la définition exacte de ce
que veut dire chaque recommandation, utilisée par les tests (« appliquer, relancer
l'affectation, compter ») et décrite pour la coordination dans docs/conseiller.md."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from moteur.conseiller.modele import Modification, Recommandation
from moteur.modele import Point, Projet, Session, StructureAccueil, TypeProjet

AGE_MIN_NOUVEAU = 14


def appliquer(session: Session, recommandation: Recommandation) -> Session:
    """Une copie de la session avec les modifications de la recommandation."""
    return appliquer_modifications(session, recommandation.modifications)


def appliquer_modifications(session: Session, modifications: Iterable[Modification]) -> Session:
    projets = dict(session.projets)
    structures = dict(session.structures)
    eleves = dict(session.eleves)
    for m in modifications:
        if m.type == "places":
            projets[m.cible] = dataclasses.replace(
                projets[m.cible], places=projets[m.cible].places + m.valeur
            )
        elif m.type == "accueil_max":
            s = structures[m.cible]
            structures[m.cible] = dataclasses.replace(s, accueil_max=s.accueil_max + m.valeur)
        elif m.type == "jours_max":
            s = structures[m.cible]
            base = s.jours_max if s.jours_max is not None else len(session.jours)
            structures[m.cible] = dataclasses.replace(s, jours_max=base + m.valeur)
        elif m.type == "jour":
            s = structures[m.cible]
            jours = tuple(sorted({*s.jours, date.fromisoformat(m.date)}))
            structures[m.cible] = dataclasses.replace(s, jours=jours)
        elif m.type == "nouveau_projet":
            point = Point(m.latitude, m.longitude)
            structures[m.cible] = StructureAccueil(
                id=m.cible,
                nom=f"Structure à trouver ({m.commune})",
                domaines=("K",),
                commune_insee=m.commune,
                point=point,
                accueil_max=m.valeur,
                age_min=AGE_MIN_NOUVEAU,
            )
            projets[m.cible] = Projet(
                id=m.cible,
                nom=f"Nouveau projet ({m.commune})",
                type=TypeProjet.MONO_SITE,
                porteur=m.cible,
                commune_insee=m.commune,
                point=point,
                places=m.valeur,
                structures=(m.cible,),
            )
            for eid in m.eleves:
                eleves[eid] = dataclasses.replace(eleves[eid], voeux=(*eleves[eid].voeux, m.cible))
        else:
            raise ValueError(f"modification inconnue : {m.type}")
    return dataclasses.replace(session, projets=projets, structures=structures, eleves=eleves)
