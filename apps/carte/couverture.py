"""Couverture du territoire : quels lycées n'ont aucun projet validé à portée ?

« Égalité des chances et accès à l'offre sur l'ensemble du territoire normand » : un
lycée est couvert quand un projet de la carte a son point de rendez-vous à moins de
`distance_max_km` (haversine, comme la règle 6 du format d'échange).
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.campagnes.models import Session
from apps.carte.filtres import STATUTS_CARTE
from apps.etablissements.models import Etablissement
from apps.projets.models import Projet
from moteur.distances import haversine_km
from moteur.modele import Point


@dataclass(slots=True)
class LyceeCouvert:
    etablissement: Etablissement
    distance_km: float | None  # au projet le plus proche ; None s'il n'y a aucun projet
    projet_proche: Projet | None
    couvert: bool


def couverture(session: Session) -> list[LyceeCouvert]:
    """Chaque lycée, son projet le plus proche et s'il est couvert ; non couverts d'abord."""
    projets = list(
        Projet.objects.de_la_session(session)
        .filter(statut__in=STATUTS_CARTE)
        .only("id", "nom", "latitude", "longitude")
        .order_by("pk")
    )
    points = [(p, Point(p.latitude, p.longitude)) for p in projets]
    lycees = (
        Etablissement.objects.select_related("commune")
        .only(
            "id", "uai", "nom", "latitude", "longitude", "commune__nom", "commune__departement_id"
        )
        .order_by("nom", "pk")
    )
    resultat = []
    for lycee in lycees:
        ici = Point(lycee.latitude, lycee.longitude)
        proche, distance = None, None
        for projet, point in points:
            d = haversine_km(ici, point)
            if distance is None or d < distance:
                proche, distance = projet, d
        couvert = distance is not None and distance <= session.distance_max_km
        resultat.append(LyceeCouvert(lycee, distance, proche, couvert))
    resultat.sort(key=lambda c: (c.couvert, -(c.distance_km or 1e9)))
    return resultat
