"""Réglages communs de CP-SAT : budget en temps déterministe et garde-fou d'horloge.

Même entrée et même graine doivent donner le même plan, octet pour octet, quelle que soit
la machine (charge, nombre de cœurs, vitesse). D'où trois règles, que tout appel à CP-SAT
du moteur suit en passant par ce module :

1. **Un seul fil** (`num_workers = 1`), en recherche entrelacée (`interleave_search`) : le
   portefeuille de sous-solveurs (LNS, `max_lp`…) tourne à tour de rôle dans ce fil.
   Mesuré le 06/12 : avec deux fils entrelacés, le temps déterministe rendu par CP-SAT
   variait d'une exécution à l'autre sous charge (0,05053 contre 0,05050 pour le même
   modèle) ; or il sert à répartir le budget entre composantes, donc les plans suivants
   divergeaient. Avec un fil, les 466 appels de l'instance du banc rendent le même temps
   déterministe, au bit près, et la même solution, calme ou sous charge.
2. **Budget en temps déterministe** (`max_deterministic_time`) seulement : aucune limite
   d'horloge ne décide d'un résultat.
3. **Garde-fou d'horloge** (`GardeFou`) : sur une machine extrêmement lente, il arrête le
   calcul avec une erreur claire (`CalculInterrompu`) ; il ne rend jamais un autre plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from moteur.erreurs import ErreurUtilisateur

TEMPS_MIN_S = 0.05  # plancher de temps (déterministe) par appel, sans solution de départ
GARDE_MURALE = 30.0  # garde-fou : secondes d'horloge par unité de temps déterministe
GARDE_MURALE_MIN_S = 60.0  # … plus ce plancher (marge pour une machine très chargée)


class CalculInterrompu(ErreurUtilisateur):
    """Le garde-fou d'horloge a arrêté le calcul : aucun plan n'est rendu."""


@dataclass(frozen=True, slots=True)
class GardeFou:
    """Garde-fou d'horloge murale autour de chaque appel à CP-SAT.

    Plafond d'un appel : `secondes_par_unite` × budget déterministe + `plancher_s`. S'il est
    atteint (horloge de CP-SAT ou `horloge`, injectable pour les tests), le calcul s'arrête
    avec `CalculInterrompu` : un résultat tronqué par l'horloge dépendrait de la machine.
    """

    secondes_par_unite: float = GARDE_MURALE
    plancher_s: float = GARDE_MURALE_MIN_S
    horloge: Callable[[], float] = time.monotonic

    def plafond(self, limite: float) -> float:
        return self.secondes_par_unite * limite + self.plancher_s

    def resoudre(
        self, solveur: cp_model.CpSolver, modele: cp_model.CpModel, limite: float
    ) -> cp_model.CpSolverStatus:
        """Résout avec `limite` unités de temps déterministe ; erreur si le plafond saute."""
        plafond = self.plafond(limite)
        solveur.parameters.max_deterministic_time = limite
        solveur.parameters.max_time_in_seconds = plafond  # arrêt seulement, voir ci-dessous
        debut = self.horloge()
        statut = solveur.solve(modele)
        ecoule = max(self.horloge() - debut, solveur.wall_time)
        if ecoule >= plafond:
            raise CalculInterrompu(
                f"Calcul interrompu : le solveur a pris {ecoule:.0f} s d'horloge pour "
                f"{limite:.2f} unité(s) de temps déterministe (plafond : {plafond:.0f} s). "
                "La machine est trop lente ou trop chargée. Aucun plan n'est rendu, car un "
                "résultat coupé par l'horloge ne serait pas reproductible : relancez le calcul "
                "quand la machine est moins chargée."
            )
        return statut


@dataclass(slots=True)
class Horloge:
    """Budget de calcul en temps DÉTERMINISTE de CP-SAT (≈ secondes sur une machine
    moyenne), pas en secondes d'horloge. Le temps consommé (rendu par CP-SAT, reproductible
    avec un seul fil) est décompté du budget ; chaque appel reçoit au moins `plancher`
    (`TEMPS_MIN_S` par défaut ; 0 quand une solution de départ existe déjà)."""

    budget: float
    consomme: float = 0.0
    garde: GardeFou = field(default_factory=GardeFou)
    plancher: float = TEMPS_MIN_S

    def restant(self) -> float:
        return max(self.plancher, self.budget - self.consomme)

    def resoudre(
        self, solveur: cp_model.CpSolver, modele: cp_model.CpModel, part: float = 1.0
    ) -> cp_model.CpSolverStatus:
        """Résout avec `part` du temps restant ; décompte le temps déterministe consommé."""
        statut = self.garde.resoudre(solveur, modele, self.restant() * part)
        self.consomme += solveur.response_proto.deterministic_time
        return statut


def nouveau_solveur(graine: int = 0, avec_max_lp: bool = False) -> cp_model.CpSolver:
    """Un fil, recherche entrelacée, graine fixée : résultat reproductible (voir en tête)."""
    solveur = cp_model.CpSolver()
    solveur.parameters.num_workers = 1
    solveur.parameters.interleave_search = True
    if avec_max_lp:
        # Le sous-solveur complet « max_lp » (relaxation linéaire la plus forte) prouve
        # les bornes ; les voisinages (LNS) améliorent la solution, à tour de rôle.
        solveur.parameters.subsolvers.append("max_lp")
    solveur.parameters.random_seed = graine
    return solveur
