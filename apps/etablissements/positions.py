"""Position du domicile d'un élève : à la précision de la commune, sauf motif donné.

Le planificateur n'a besoin que d'une distance de l'ordre du kilomètre (règle 6, au plus
`distance_max_km`) : le centre de la commune du domicile suffit (minimisation des données,
RGPD). Une adresse précise n'est gardée que si l'établissement en indique le motif (élève
d'une commune étendue dont le centre est loin du domicile, par exemple). Une seule fonction,
appelée par le dépôt web, l'import en ligne de commande et la saisie à la main.
"""

from __future__ import annotations

from dataclasses import dataclass

MOTIF_MAX = 300  # caractères de `Eleve.motif_position_precise`


@dataclass(frozen=True, slots=True)
class PositionDomicile:
    latitude: float
    longitude: float
    motif: str  # vide : centre de la commune


def position_domicile(
    centre: tuple[float, float],
    latitude: float | None = None,
    longitude: float | None = None,
    motif: str | None = None,
) -> PositionDomicile:
    """`centre` : le point de la commune du domicile (référentiel des communes).

    Les coordonnées données ne sont gardées qu'avec un motif ; sans coordonnées, un motif
    n'a pas d'objet et n'est pas gardé."""
    motif = (motif or "").strip()
    if latitude is not None and longitude is not None and motif:
        return PositionDomicile(latitude, longitude, motif[:MOTIF_MAX])
    return PositionDomicile(centre[0], centre[1], "")
