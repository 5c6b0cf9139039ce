"""Distances et temps de trajet estimés.

La distance de référence est celle du format d'échange : grand cercle (haversine) sur
une sphère de 6371,0 km. Les temps de marche et de transport sont des estimations
affichées aux porteurs, jamais des règles.
"""

from __future__ import annotations

import math

from moteur.modele import Point

RAYON_TERRE_KM = 6371.0
# Un trajet réel est plus long que le vol d'oiseau : coefficient de détour usuel.
DETOUR = 1.3
VITESSE_MARCHE_KMH = 4.5
VITESSE_TRANSPORT_KMH = 25.0  # car interurbain ou TER, arrêts compris
ATTENTE_TRANSPORT_MIN = 10.0
PORTEE_MARCHE_KM = 2.0  # au-delà, un trajet à pied n'est plus raisonnable pour un groupe


def haversine_km(a: Point, b: Point) -> float:
    lat1, lon1 = math.radians(a.latitude), math.radians(a.longitude)
    lat2, lon2 = math.radians(b.latitude), math.radians(b.longitude)
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * RAYON_TERRE_KM * math.asin(min(1.0, math.sqrt(h)))


def minutes_a_pied(distance_km: float) -> float:
    return distance_km * DETOUR / VITESSE_MARCHE_KMH * 60


def minutes_en_transport(distance_km: float) -> float:
    return ATTENTE_TRANSPORT_MIN + distance_km * DETOUR / VITESSE_TRANSPORT_KMH * 60


def a_portee_de_marche(distance_km: float) -> bool:
    return distance_km <= PORTEE_MARCHE_KM
