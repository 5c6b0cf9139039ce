"""Distances et trajets entre le point de rendez-vous et les structures (étapes 1 et 2,
fiche du projet).

Sans flux GTFS pour la session : la distance à vol d'oiseau et une estimation à pied, dites
comme telles ; aucune durée en transport n'est devinée d'une distance. Avec un flux : le
vrai trajet en transport en commun ou à pied pour être à la structure d'arrivée à son heure
d'ouverture, en au plus la durée maximale de la session (`moteur.transport.trajets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations

from apps.mobilite.services import horaires
from apps.projets.models import Projet
from apps.structures.models import StructureAccueil
from moteur.distances import a_portee_de_marche, haversine_km, minutes_a_pied
from moteur.modele import Point
from moteur.transport.mobilite import jour_fr
from moteur.transport.trajets import TrajetHoraire, Trajets
from moteur.vigilance import duree_fr, km_fr


@dataclass(frozen=True, slots=True)
class Trajet:
    depart: str
    arrivee: str
    km: float
    # Avec un flux GTFS : le jour des horaires, la limite, et le trajet (None : pas à temps).
    jour_horaires: date | None = None
    duree_max_min: int = 0
    horaire: TrajetHoraire | None = None

    @property
    def distance(self) -> str:
        return km_fr(self.km)

    @property
    def a_pied(self) -> str:
        return duree_fr(minutes_a_pied(self.km))

    @property
    def marchable(self) -> bool:
        return a_portee_de_marche(self.km)

    @property
    def avec_horaires(self) -> bool:
        return self.jour_horaires is not None

    @property
    def jour_horaires_texte(self) -> str:
        return jour_fr(self.jour_horaires) if self.jour_horaires else ""


def _point(objet) -> Point:
    return Point(objet.latitude, objet.longitude)


def _secondes(structure: StructureAccueil) -> int:
    return structure.heure_debut.hour * 3600 + structure.heure_debut.minute * 60


def trajets(projet: Projet, structures: list[StructureAccueil]) -> list[Trajet]:
    """Du rendez-vous à chaque structure, puis entre structures, les plus longs d'abord."""
    rdv = _point(projet)
    paires: list[tuple[str, Point, StructureAccueil]] = [
        ("Point de rendez-vous", rdv, s) for s in structures
    ]
    paires += [(a.nom, _point(a), b) for a, b in combinations(structures, 2)]
    donnees = horaires(projet.session) if structures else None
    calcul = Trajets(donnees.reseau, donnees.parametres.duree_max_s) if donnees else None
    lignes = []
    for nom, origine, vers in paires:
        km = haversine_km(origine, _point(vers))
        if calcul is None or donnees is None:
            lignes.append(Trajet(nom, vers.nom, km))
            continue
        horaire = calcul.pour_arriver(origine, _point(vers), _secondes(vers))
        lignes.append(
            Trajet(nom, vers.nom, km, donnees.jour, donnees.parametres.duree_max_min, horaire)
        )
    return sorted(lignes, key=lambda t: (-t.km, t.depart, t.arrivee))
