"""Avant l'affectation : la pression des voeux, à partir des seuls voeux et des places.

- Par projet : demandeurs (élèves qui l'ont dans leurs voeux, à n'importe quel rang),
  premiers voeux, places retenues (min(places, capacité effective)) ; ratio de pression =
  demandeurs / places (premiers voeux / places aussi : au-delà de 1, le projet ne peut pas
  satisfaire tous ceux qui le mettent en premier).
- Par territoire (EPCI du domicile des élèves, ou de leur lycée à défaut) : candidats (élèves
  du territoire qui ont au moins un voeu), places des projets dont le point de rendez-vous
  est dans le territoire, candidats par place (sans place : « aucune place »).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from moteur import referentiel
from moteur.modele import Session
from moteur.rotation import capacite_effective


@dataclass(frozen=True, slots=True)
class PressionProjet:
    projet_id: str
    nom: str
    commune_insee: str
    places: int
    demandeurs: int
    premiers_voeux: int

    @property
    def ratio(self) -> float | None:
        return self.demandeurs / self.places if self.places else None

    @property
    def ratio_premiers(self) -> float | None:
        return self.premiers_voeux / self.places if self.places else None


@dataclass(frozen=True, slots=True)
class PressionTerritoire:
    epci: str  # SIREN, "" : commune hors EPCI ou inconnue
    candidats: int
    places: int
    projets: int

    @property
    def ratio(self) -> float | None:
        return self.candidats / self.places if self.places else None


def epci_de(code_commune: str) -> str:
    commune = referentiel.commune(code_commune)
    return commune.epci if commune is not None else ""


def pression_projets(session: Session) -> list[PressionProjet]:
    """Du plus demandé (par place) au moins demandé ; les projets sans place d'abord."""
    capacites = capacite_effective(session)
    demandeurs: Counter[str] = Counter()
    premiers: Counter[str] = Counter()
    for eleve in session.eleves.values():
        connus = [v for v in dict.fromkeys(eleve.voeux) if v in session.projets]
        demandeurs.update(connus)
        if eleve.voeux and eleve.voeux[0] in session.projets:
            premiers[eleve.voeux[0]] += 1
    lignes = [
        PressionProjet(
            pid,
            p.nom,
            p.commune_insee,
            min(p.places, capacites[pid].capacite),
            demandeurs[pid],
            premiers[pid],
        )
        for pid, p in session.projets.items()
    ]
    return sorted(
        lignes, key=lambda x: (-(x.ratio if x.ratio is not None else float("inf")), x.projet_id)
    )


def pression_territoires(session: Session) -> list[PressionTerritoire]:
    """Par EPCI, du plus grand nombre de candidats par place au plus petit."""
    capacites = capacite_effective(session)
    candidats: Counter[str] = Counter()
    for eleve in session.eleves.values():
        if eleve.voeux:
            candidats[epci_de(eleve.commune_insee)] += 1
    places: dict[str, int] = defaultdict(int)
    projets: Counter[str] = Counter()
    for pid, p in session.projets.items():
        epci = epci_de(p.commune_insee)
        places[epci] += min(p.places, capacites[pid].capacite)
        projets[epci] += 1
    territoires = set(candidats) | set(places)
    lignes = [
        PressionTerritoire(t, candidats[t], places.get(t, 0), projets[t]) for t in territoires
    ]
    return sorted(
        lignes, key=lambda x: (-(x.ratio if x.ratio is not None else float("inf")), x.epci)
    )
