"""Un petit flux GTFS construit par le projet, dont les réponses se vérifient à la main.

Tout est sur un même méridien (longitude -0,37, au nord de Caen) : la distance haversine
entre deux points de même longitude vaut exactement R × Δlatitude, et la marche coûte
1,3 / 4,5 km/h = 1 040 s par kilomètre (0,5 km : 520 s). Positions, en mètres au nord
de l'origine O :

    O (origine)   0        Y (destination à pied)  900     Z  1 300
    A           300        B  5 000        C  5 600        M  10 000
    D        15 000        X (destination) 15 400          P (près de M) 10 200

Lignes (service SEMAINE : du lundi au vendredi, juin et juillet 2026) :
    1  A 07:40 → B 07:55 ; A 08:10:00 → B 08:25:00
    2  C 08:35 → D 08:55 ; C 08:40 → D 09:00 ; C 09:10 → D 09:30
    N  A 23:50:00 → M 24:10:00 → D 24:40:00 (nuit : arrive après minuit)
    3  A 08:15 → D 08:45, service SCOLAIRE (lundi–vendredi) RETIRÉ le mardi 16 juin
       par calendar_dates.txt, AJOUTÉ le samedi 20 juin.
B et C sont à 600 m : correspondance à pied de 624 s (10 min 24 s).
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

LAT0, LON = 49.2, -0.37
JOUR = "2026-06-16"  # un mardi : le service SCOLAIRE (ligne 3) ne circule pas


def lat(metres: float) -> float:
    """La latitude du point à `metres` au nord de O (même méridien)."""
    return LAT0 + math.degrees(metres / 6_371_000)


def point(metres: float) -> str:
    """Le point à `metres` au nord de O, au format LAT,LON de la commande."""
    return f"{lat(metres)!r},{LON!r}"


POSITIONS = {"A": 300, "B": 5000, "C": 5600, "M": 10000, "D": 15000}


def _stops() -> str:
    lignes = ["stop_id,stop_name,stop_lat,stop_lon"]
    lignes += [f"{a},Arrêt {a},{lat(m)!r},{LON!r}" for a, m in POSITIONS.items()]
    return "\n".join(lignes) + "\n"


TABLES: dict[str, str] = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
    "NOMAD,Nomad,https://example.org,Europe/Paris\n",
    "stops.txt": _stops(),
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n"
    "R1,NOMAD,1,Ligne un,3\nR2,NOMAD,2,Ligne deux,3\nR3,NOMAD,3,Express,3\n"
    "RN,NOMAD,N,Noctambus,3\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\n"
    "SEMAINE,1,1,1,1,1,0,0,20260601,20260731\n"
    "SCOLAIRE,1,1,1,1,1,0,0,20260601,20260703\n",
    "calendar_dates.txt": "service_id,date,exception_type\n"
    "SCOLAIRE,20260616,2\nSCOLAIRE,20260620,1\n",
    "trips.txt": "route_id,service_id,trip_id,trip_headsign\n"
    "R1,SEMAINE,1a,Arrêt B\nR1,SEMAINE,1b,Arrêt B\n"
    "R2,SEMAINE,2a,Arrêt D\nR2,SEMAINE,2b,Arrêt D\nR2,SEMAINE,2c,Arrêt D\n"
    "R3,SCOLAIRE,3a,Arrêt D\nRN,SEMAINE,Na,Arrêt D\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "1b,07:40:00,07:40:00,A,1\n1b,07:55:00,07:55:00,B,2\n"
    "1a,08:10:00,08:10:00,A,1\n1a,08:25:00,08:25:00,B,2\n"
    "2a,08:35:00,08:35:00,C,1\n2a,08:55:00,08:55:00,D,2\n"
    "2b,08:40:00,08:40:00,C,1\n2b,09:00:00,09:00:00,D,2\n"
    "2c,09:10:00,09:10:00,C,1\n2c,09:30:00,09:30:00,D,2\n"
    "3a,08:15:00,08:15:00,A,1\n3a,08:45:00,08:45:00,D,2\n"
    "Na,23:50:00,23:50:00,A,1\nNa,24:10:00,24:10:00,M,2\nNa,24:40:00,24:40:00,D,3\n",
}


def ecrire_flux(chemin: Path, **remplacements: str | None) -> Path:
    """Écrit le flux en zip ; `stops="..."` remplace stops.txt, `frequencies=...` ajoute
    frequencies.txt, une valeur None omet la table."""
    tables: dict[str, str | None] = dict(TABLES)
    for nom, contenu in remplacements.items():
        tables[f"{nom}.txt"] = contenu
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in tables.items():
            if contenu is not None:
                archive.writestr(nom, contenu)
    chemin.write_bytes(tampon.getvalue())
    return chemin
