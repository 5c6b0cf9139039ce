"""La marche à pied du moteur d'horaires : distance, durée, voisins à moins de 1 000 m.

Règle de l'issue 14 : distance à vol d'oiseau (haversine, R = 6 371 km, la constante de
`moteur.distances`) × 1,3 (détour), parcourue à 4,5 km/h, jusqu'à 1 000 m à vol d'oiseau
(bornes comprises). Les durées de marche sont gardées en secondes entières arrondies à la
seconde supérieure : comme les horaires GTFS sont des secondes entières, « arriver au plus
tard au départ » donne la même réponse qu'avec la durée exacte (x ≤ n ⇔ ⌈x⌉ ≤ n).

Les voisins se trouvent par une grille de cases d'environ 1 km : on ne compare un point
qu'aux arrêts des 3 × 3 cases qui l'entourent (des milliers d'arrêts en quelques ms).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from moteur.distances import DETOUR, RAYON_TERRE_KM, VITESSE_MARCHE_KMH

PORTEE_MARCHE_M = 1000.0
_KM_PAR_DEGRE = math.pi * RAYON_TERRE_KM / 180  # ≈ 111,19 km par degré de latitude
# Cases un peu plus grandes que la portée : les 3 × 3 cases voisines couvrent tout le disque.
_CASE_DEG_LAT = 1.05 * (PORTEE_MARCHE_M / 1000) / _KM_PAR_DEGRE


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance à vol d'oiseau (haversine, sphère de 6 371 km), en mètres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat = p2 - p1
    dlon = math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2000 * RAYON_TERRE_KM * math.asin(min(1.0, math.sqrt(h)))


def secondes_de_marche(metres: float) -> int:
    """Durée de marche (détour 1,3 à 4,5 km/h), arrondie à la seconde supérieure."""
    # − 1e-6 s : le bruit des flottants (208,000000001 s) ne coûte pas une seconde de plus.
    return math.ceil(metres / 1000 * DETOUR / VITESSE_MARCHE_KMH * 3600 - 1e-6)


class Grille:
    """Index spatial des arrêts : qui est à moins de 1 000 m d'un point ?"""

    def __init__(self, latitudes: Sequence[float], longitudes: Sequence[float]) -> None:
        self.latitudes = latitudes
        self.longitudes = longitudes
        lat_moyenne = sum(latitudes) / len(latitudes) if latitudes else 45.0
        # La case en longitude est calculée à la latitude la plus éloignée de l'équateur
        # (cos plus petit → case plus large en degrés), pour ne manquer aucun voisin.
        lat_max = max((abs(x) for x in latitudes), default=abs(lat_moyenne))
        cos_min = max(math.cos(math.radians(min(lat_max + 1.0, 89.0))), 0.01)
        self._pas_lat = _CASE_DEG_LAT
        self._pas_lon = _CASE_DEG_LAT / cos_min
        self._cases: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (la, lo) in enumerate(zip(latitudes, longitudes, strict=True)):
            self._cases[self._case(la, lo)].append(i)

    def _case(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self._pas_lat), math.floor(lon / self._pas_lon)

    def voisins(self, lat: float, lon: float) -> list[tuple[int, float]]:
        """Les arrêts à au plus 1 000 m à vol d'oiseau : (indice, distance en m), triés."""
        ci, cj = self._case(lat, lon)
        trouves: list[tuple[int, float]] = []
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for i in self._cases.get((ci + di, cj + dj), ()):
                    d = distance_m(lat, lon, self.latitudes[i], self.longitudes[i])
                    if d <= PORTEE_MARCHE_M:
                        trouves.append((i, d))
        trouves.sort(key=lambda x: (x[1], x[0]))
        return trouves
