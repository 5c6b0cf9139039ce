"""Ce que rend le conseiller : des recommandations, chacune applicable seule à la session.

Chaque recommandation porte ses `modifications` : la liste exacte des changements à faire
dans le dossier de session pour l'appliquer (voir `moteur.conseiller.application`). Le gain
annoncé est celui de CE changement-là, appliqué seul, l'affectation relancée (même
politique, même graine, même barème).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTIONS = ("places", "nouveau_projet", "jour")
COLONNES = (
    "rang",
    "action",
    "projet_id",
    "commune_insee",
    "quantite",
    "gain_eleves",
    "gain_premiers_voeux",
    "explication",
)


@dataclass(frozen=True, slots=True)
class Modification:
    """Un changement du dossier de session.

    - `places` : projet `cible`, `places` augmenté de `valeur` ;
    - `accueil_max` : structure `cible`, `accueil_max` augmenté de `valeur` ;
    - `jours_max` : structure `cible`, `jours_max` augmenté de `valeur` ;
    - `jour` : structure `cible`, la date `date` (AAAA-MM-JJ) ajoutée à ses `jours` ;
    - `nouveau_projet` : projet `cible` créé au point (`latitude`, `longitude`) de la commune
      `commune`, de `valeur` places, avec une structure du même identifiant ouverte tous les
      jours (accueil_max = `valeur`, âge minimal 14 ans), ajouté en DERNIER voeu des
      élèves `eleves`.
    """

    type: str
    cible: str
    valeur: int = 0
    date: str = ""
    commune: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    eleves: tuple[str, ...] = ()


@dataclass(slots=True)
class Recommandation:
    action: str
    projet_id: str  # vide pour nouveau_projet
    commune_insee: str
    quantite: int
    gain_eleves: int
    gain_premiers_voeux: int | None  # None : non calculé (voir docs/conseiller.md)
    explication: str
    modifications: tuple[Modification, ...] = ()
    # nouveau_projet : lycées d'origine des élèves concernés (UAI → nombre d'élèves)
    lycees: dict[str, int] = field(default_factory=dict)
    rang: int = 0


@dataclass(slots=True)
class Conseil:
    """Le résultat complet : la situation de départ et les recommandations classées."""

    politique: str
    graine: int
    eleves: int
    places_reference: int  # placés par l'affectation relancée sur la session telle quelle
    places_plan: int  # placés dans affectations.csv du PLAN
    premiers_voeux_reference: int
    recommandations: list[Recommandation] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    # Élèves non placés dans le PLAN (identifiants pseudonymes) : la demande non servie.
    non_places: list[str] = field(default_factory=list)
    durees: dict[str, float] = field(default_factory=dict)
