"""Mesurer une session : combien d'élèves l'affectation place, combien à leur premier voeu.

C'est la même chaîne que la commande `plan` avant la rotation : capacité effective des
projets (`moteur.rotation.capacite_effective`), puis l'affectation avec ces capacités
(même politique, graine, barème). Deux façons de compter les placés, toutes deux exactes :
- « stable » : l'acceptation différée elle-même (quelques dixièmes de seconde) ;
- « optimal » : le flot maximal (OR-Tools, quelques centièmes de seconde), car la politique
  optimale place toujours exactement le flot maximal (premier critère lexicographique) ;
  les premiers voeux exigent alors le flot de coût minimum complet (plus cher : sur
  demande seulement).
Un gain est toujours la différence de deux mesures : session modifiée moins session telle
quelle. C'est du re-calcul, jamais une estimation.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from moteur.affectation.bareme import Bareme
from moteur.affectation.eligibilite import Instance, capacites_effectives, construire_instance
from moteur.affectation.optimal import avec_egalite, construire_reseau, flot_cout_minimum
from moteur.affectation.optimal import flot_maximum as flot_maximum_reseau
from moteur.affectation.stable import acceptation_differee
from moteur.conseiller.reseau import ReseauBiparti
from moteur.modele import Session
from moteur.rotation import CapaciteEffective, capacite_effective
from moteur.transport.acces import atteignables


def plafonds_de(capacites: dict[str, CapaciteEffective]) -> dict[str, int]:
    return {pid: c.capacite for pid, c in capacites.items()}


def premiers_voeux(instance: Instance, projet: np.ndarray) -> int:
    """Élèves placés dans le projet de leur voeu de rang 1."""
    premier = (instance.v_rang == 1) & (projet[instance.v_eleve] == instance.v_projet)
    return int(premier.sum())


class Evaluateur:
    """La session de départ mesurée une fois ; puis chaque variante mesurée à part."""

    def __init__(self, session: Session, politique: str, graine: int, bareme: Bareme) -> None:
        if politique not in ("stable", "optimal"):
            raise ValueError(f"politique non prise en charge : {politique}")
        self.session = session
        self.politique = politique
        self.graine = graine
        self.bareme = bareme
        self.capacites = capacite_effective(session)
        self.plafonds = plafonds_de(self.capacites)
        # Avec un GTFS, la même contrainte de trajet que `plan` (None sans horaires).
        self.acces = atteignables(session)
        self.instance = construire_instance(session, self.plafonds, self.acces)
        self.reseau = ReseauBiparti(self.instance)
        self.projet = self.affecter(self.instance)
        self.places = int((self.projet >= 0).sum())
        self.premiers = premiers_voeux(self.instance, self.projet)

    # --- Les deux politiques, sur une instance -------------------------------------------

    def affecter(self, instance: Instance) -> np.ndarray:
        """Le projet de chaque élève (-1 : non placé), comme `moteur.affectation.affecter`."""
        b, g = self.bareme, self.graine
        if self.politique == "stable":
            return acceptation_differee(instance, b, g)
        if avec_egalite(b):
            reference = flot_cout_minimum(instance, dataclasses.replace(b, poids_egalite=0), g)
            return flot_cout_minimum(instance, b, g, flot_max=int((reference >= 0).sum()))
        return flot_cout_minimum(instance, b, g)

    def compter(self, instance: Instance) -> tuple[int, int | None]:
        """(placés, premiers voeux) ; premiers voeux None quand ils coûteraient le flot
        de coût minimum complet (politique optimale)."""
        if self.politique == "stable":
            projet = acceptation_differee(instance, self.bareme, self.graine)
            return int((projet >= 0).sum()), premiers_voeux(instance, projet)
        return self.flot_maximum(instance), None

    def flot_maximum(self, instance: Instance) -> int:
        if instance.v_eleve is self.instance.v_eleve and instance.v_age is self.instance.v_age:
            return self.reseau.flot(instance.capacite)  # seules les capacités ont changé
        sans = dataclasses.replace(self.bareme, poids_egalite=0)
        reseau = construire_reseau(instance, sans, self.graine, avec_mixite=False)
        return 0 if reseau is None else flot_maximum_reseau(reseau)

    def mesurer_complet(self, instance: Instance) -> tuple[int, int]:
        projet = self.affecter(instance)
        return int((projet >= 0).sum()), premiers_voeux(instance, projet)

    # --- Variantes de la session ---------------------------------------------------------

    def instance_de(self, session: Session, projets_touches: list[str]) -> Instance:
        """L'instance d'une session modifiée dont seuls les accueils, jours_max ou places
        de `projets_touches` (et de leurs structures) ont changé : capacités recalculées
        pour leurs composantes, le reste repris tel quel (l'âge requis ne dépend que des
        jours d'ouverture, inchangés)."""
        recalcul = capacite_effective(session, _composante(session, projets_touches))
        plafonds = {**self.plafonds, **plafonds_de(recalcul)}
        capacite = capacites_effectives(session, plafonds)
        return dataclasses.replace(self.instance, capacite=capacite)

    def instance_complete(self, session: Session) -> Instance:
        """L'instance d'une session modifiée quelconque (projets, voeux ou jours changés)."""
        acces = atteignables(session) if self.acces is not None else None
        return construire_instance(session, plafonds_de(capacite_effective(session)), acces)


def _composante(session: Session, projets: list[str]) -> list[str]:
    """Les projets qui partagent (en chaîne) une structure avec `projets`."""
    par_structure: dict[str, list[str]] = {}
    for pid, projet in session.projets.items():
        for sid in projet.structures:
            par_structure.setdefault(sid, []).append(pid)
    vus = set(projets)
    pile = list(projets)
    while pile:
        pid = pile.pop()
        for sid in session.projets[pid].structures:
            for autre in par_structure.get(sid, []):
                if autre not in vus:
                    vus.add(autre)
                    pile.append(autre)
    return [pid for pid in session.projets if pid in vus]
