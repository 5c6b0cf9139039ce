"""Distances et estimations de trajet entre le point de rendez-vous et les structures."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from apps.projets.models import Projet
from apps.structures.models import StructureAccueil
from moteur.distances import a_portee_de_marche, haversine_km, minutes_a_pied, minutes_en_transport
from moteur.modele import Point
from moteur.vigilance import duree_fr, km_fr


@dataclass(frozen=True, slots=True)
class Trajet:
    depart: str
    arrivee: str
    km: float

    @property
    def distance(self) -> str:
        return km_fr(self.km)

    @property
    def a_pied(self) -> str:
        return duree_fr(minutes_a_pied(self.km))

    @property
    def en_transport(self) -> str:
        return duree_fr(minutes_en_transport(self.km))

    @property
    def marchable(self) -> bool:
        return a_portee_de_marche(self.km)


def _point(objet) -> Point:
    return Point(objet.latitude, objet.longitude)


def trajets(projet: Projet, structures: list[StructureAccueil]) -> list[Trajet]:
    """Du rendez-vous à chaque structure, puis entre structures, les plus longs d'abord."""
    rdv = _point(projet)
    lignes = [
        Trajet("Point de rendez-vous", s.nom, haversine_km(rdv, _point(s))) for s in structures
    ]
    lignes += [
        Trajet(a.nom, b.nom, haversine_km(_point(a), _point(b)))
        for a, b in combinations(structures, 2)
    ]
    return sorted(lignes, key=lambda t: (-t.km, t.depart, t.arrivee))
