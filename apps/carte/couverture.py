"""Couverture du territoire : quels lycées n'ont aucun projet validé à portée ?

« Égalité des chances et accès à l'offre sur l'ensemble du territoire normand » : un
lycée est couvert quand un projet de la carte a son point de rendez-vous à moins de
`distance_max_km` (haversine, comme la règle 6 du format d'échange).

Avec un flux GTFS, la coordination choisit un projet et voit les lycées d'où il est
atteignable en transport en commun dans la limite (`acces_en_transport`) : calcul à la
demande pour ce projet seulement, gardé en cache.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, time

from django.core.cache import cache

from apps.campagnes.models import Session
from apps.carte.cache import version_carte
from apps.carte.filtres import STATUTS_CARTE
from apps.carte.isochrone import lycees_atteignant
from apps.etablissements.models import Etablissement
from apps.projets.models import Projet
from moteur.distances import haversine_km
from moteur.modele import Point
from moteur.transport.mobilite import jour_fr


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


# --- Accès en transport en commun (couche isochrone d'un projet choisi) ---------------------

DUREE_CACHE_ACCES = 600  # secondes ; la clé suit déjà le flux, les projets et les lycées


@dataclass(frozen=True)
class LyceeAtteignant:
    nom: str
    uai: str
    commune: str
    latitude: float
    longitude: float
    minutes: int


@dataclass(frozen=True)
class AccesTransport:
    """Les lycées d'où le point de rendez-vous d'un projet est atteignable en transport en
    commun ou à pied, en arrivant à `arrivee`, en au plus `duree_max_min` (horaires de
    `jour`) ; les plus proches d'abord."""

    jour: date
    arrivee: time
    duree_max_min: int
    lycees: tuple[LyceeAtteignant, ...]

    @property
    def jour_texte(self) -> str:
        return jour_fr(self.jour)

    def marqueurs(self) -> list[dict]:
        """Pour la carte (json_script) : les noms y restent du texte (carte.js)."""
        return [
            {"nom": ly.nom, "lat": ly.latitude, "lon": ly.longitude, "minutes": ly.minutes}
            for ly in self.lycees
        ]


def acces_en_transport(projet: Projet) -> AccesTransport | None:
    """La couche isochrone du projet (`apps.carte.isochrone.lycees_atteignant`, le même
    calcul que sa fiche publique), calculée pour ce seul projet et gardée en cache
    (`DUREE_CACHE_ACCES`) sous une clé qui change avec le flux GTFS et ses réglages, les
    projets de la carte et les lycées. None : la session n'a pas de flux utilisable."""
    cle = _cle_acces(projet)
    acces = cache.get(cle)
    if acces is not None:
        return acces
    isochrone = lycees_atteignant(projet)
    if isochrone is None:
        return None
    communes = dict(
        Etablissement.objects.filter(uai__in=[e.uai for e, _ in isochrone.lycees]).values_list(
            "uai", "commune__nom"
        )
    )
    acces = AccesTransport(
        isochrone.jour,
        isochrone.arrivee,
        isochrone.duree_max_min,
        tuple(
            LyceeAtteignant(e.nom, e.uai, communes.get(e.uai, ""), e.latitude, e.longitude, minutes)
            for e, minutes in isochrone.lycees
        ),
    )
    cache.set(cle, acces, DUREE_CACHE_ACCES)
    return acces


def _cle_acces(projet: Projet) -> str:
    lycees = hashlib.sha256()
    for ligne in Etablissement.objects.order_by("pk").values_list(
        "pk", "uai", "nom", "latitude", "longitude", "commune_id"
    ):
        lycees.update(repr(ligne).encode())
    brut = f"{version_carte(projet.session)}|{projet.pk}|{lycees.hexdigest()}"
    return "carte:acces-transport:" + hashlib.sha256(brut.encode()).hexdigest()
