"""Le moteur d'horaires : transport en commun (GTFS) et marche, sans Django.

- `gtfs` : lecture de l'archive (module csv, erreurs localisées) ;
- `calendrier` : les services d'une date (calendar.txt + calendar_dates.txt) ;
- `reseau` : connexions du jour (courses après minuit comprises) et correspondances à pied ;
- `cache` : le prétraitement gardé sur disque (empreinte du flux + date) ;
- `csa` : arrivées au plus tôt (Connection Scan Algorithm), itinéraire, un vers plusieurs ;
- `marche` : haversine × 1,3 à 4,5 km/h, jusqu'à 1 000 m ;
- `profil` : « arriver avant une heure » (départ au plus tard, CSA à rebours) ;
- `parametres` : gtfs, duree_max_min, arrivee d'une session ;
- `acces` : l'atteignabilité des vœux d'une session (`atteignables`, règle 6).

Voir docs/transport.md.
"""

from moteur.transport.cache import charger
from moteur.transport.csa import Etape, Itineraire, arrivees, itineraire
from moteur.transport.profil import (
    ProfilArrivee,
    duree_pour_arriver,
    durees_pour_arriver,
    profil_arrivee,
)
from moteur.transport.reseau import Reseau, construire_reseau

__all__ = [
    "Etape",
    "Itineraire",
    "ProfilArrivee",
    "Reseau",
    "arrivees",
    "charger",
    "construire_reseau",
    "duree_pour_arriver",
    "durees_pour_arriver",
    "itineraire",
    "profil_arrivee",
]
