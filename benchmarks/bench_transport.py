"""Benchmark du moteur d'horaires sur un flux GTFS généré de taille régionale.

Le flux : des villes semées dans un rectangle de la taille de la Normandie (≈ 220 × 130 km),
des arrêts groupés dans chaque ville (correspondances à pied nombreuses), des lignes qui
relient 2 à 4 villes, des courses dans les deux sens toutes les 20 à 60 minutes de 6 h à
21 h, un service de semaine et un du samedi. Mesures : prétraitement (lecture du zip,
connexions, correspondances), écriture et relecture du cache, requêtes un-vers-un
(`itineraire`) et un-vers-plusieurs (`arrivees`, 300 destinations, bornées à 90 min).

Usage : PYTHONPATH=. .venv/bin/python benchmarks/bench_transport.py [--villes 150]
        [--arrets-par-ville 40] [--lignes 400] [--requetes 50] [--graine 1]
Affiche un tableau Markdown (recopié dans docs/transport.md).
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import random
import statistics
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from moteur.transport import arrivees, charger, itineraire
from moteur.transport.marche import distance_m

LAT0, LON0, DLAT, DLON = 48.6, -1.8, 1.2, 3.0  # ≈ la Normandie
JOUR = date(2026, 6, 16)


def _hh(s: int) -> str:
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def generer_flux(
    chemin: Path, villes: int, par_ville: int, lignes: int, graine: int
) -> dict[str, int]:
    alea = random.Random(graine)
    centres = [(LAT0 + alea.uniform(0, DLAT), LON0 + alea.uniform(0, DLON)) for _ in range(villes)]
    arrets: list[tuple[str, float, float, int]] = []
    for v, (la, lo) in enumerate(centres):
        for k in range(par_ville):
            r, a = 0.018 * math.sqrt(alea.random()), alea.uniform(0, 2 * math.pi)
            arrets.append((f"S{v}_{k}", la + r * math.sin(a), lo + 1.5 * r * math.cos(a), v))
    par_v = [[i for i, x in enumerate(arrets) if x[3] == v] for v in range(villes)]
    stops = ["stop_id,stop_name,stop_lat,stop_lon"]
    stops += [f"{s},Arrêt {s},{la:.6f},{lo:.6f}" for s, la, lo, _ in arrets]
    routes = ["route_id,route_short_name,route_type"]
    trips = ["route_id,service_id,trip_id,trip_headsign"]
    times = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"]
    nb_courses = nb_passages = 0
    for r in range(lignes):
        routes.append(f"R{r},{r + 1},3")
        parcours: list[int] = []
        for v in alea.sample(range(villes), alea.randint(2, 4)):
            parcours += alea.sample(par_v[v], min(len(par_v[v]), alea.randint(4, 10)))
        for sens, chemin_arrets in enumerate((parcours, parcours[::-1])):
            service = "SEMAINE" if r % 5 else "SAMEDI"
            pas = alea.choice([1200, 1800, 2400, 3600])
            for t0 in range(6 * 3600 + alea.randrange(0, pas, 60), 21 * 3600, pas):
                tid = f"T{r}_{sens}_{t0}"
                trips.append(f"R{r},{service},{tid},{arrets[chemin_arrets[-1]][0]}")
                t, prec = t0, None
                for k, i in enumerate(chemin_arrets):
                    if prec is not None:
                        d = distance_m(arrets[prec][1], arrets[prec][2], arrets[i][1], arrets[i][2])
                        t += 60 * max(1, round(d / 1000 * 1.3 / 40 * 60))  # 40 km/h, minutes
                    times.append(f"{tid},{_hh(t)},{_hh(t)},{arrets[i][0]},{k + 1}")
                    prec = i
                    nb_passages += 1
                nb_courses += 1
    tables = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Bench,https://example.org,Europe/Paris\n",
        "stops.txt": "\n".join(stops) + "\n",
        "routes.txt": "\n".join(routes) + "\n",
        "trips.txt": "\n".join(trips) + "\n",
        "stop_times.txt": "\n".join(times) + "\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"  # noqa: E501
        "SEMAINE,1,1,1,1,1,0,0,20260601,20260731\nSAMEDI,0,0,0,0,0,1,0,20260601,20260731\n",
    }
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in tables.items():
            archive.writestr(nom, contenu)
    chemin.write_bytes(tampon.getvalue())
    return {"arrêts": len(arrets), "lignes": lignes, "courses": nb_courses, "passages": nb_passages}


def _point(alea: random.Random) -> tuple[float, float]:
    return LAT0 + alea.uniform(0, DLAT), LON0 + alea.uniform(0, DLON)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villes", type=int, default=150)
    parser.add_argument("--arrets-par-ville", type=int, default=40)
    parser.add_argument("--lignes", type=int, default=400)
    parser.add_argument("--requetes", type=int, default=50)
    parser.add_argument("--graine", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        zip_ = Path(tmp) / "region.zip"
        taille = generer_flux(zip_, args.villes, args.arrets_par_ville, args.lignes, args.graine)
        mesures: list[tuple[str, str]] = []
        debut = time.perf_counter()
        reseau, depuis_cache = charger(zip_, JOUR, Path(tmp) / "cache")
        mesures.append(
            ("prétraitement + écriture du cache", f"{time.perf_counter() - debut:.1f} s")
        )
        assert not depuis_cache
        debut = time.perf_counter()
        reseau, depuis_cache = charger(zip_, JOUR, Path(tmp) / "cache")
        mesures.append(
            ("relecture du cache (empreinte comprise)", f"{time.perf_counter() - debut:.2f} s")
        )
        assert depuis_cache
        alea = random.Random(args.graine)
        # Origines et destinations près des arrêts (sinon presque tout serait « aucun »).
        pres = [
            (reseau.latitudes[i] + 0.002, reseau.longitudes[i])
            for i in range(len(reseau.latitudes))
        ]
        un, plusieurs, trouves = [], [], 0
        for _ in range(args.requetes):
            o, d = alea.choice(pres), alea.choice(pres)
            depart = alea.randrange(7 * 3600, 9 * 3600, 60)
            t = time.perf_counter()
            trajet = itineraire(reseau, o, d, depart)
            un.append(time.perf_counter() - t)
            trouves += trajet is not None
            dests = [alea.choice(pres) for _ in range(300)]
            t = time.perf_counter()
            arrivees(reseau, o, dests, depart, duree_max=90 * 60)
            plusieurs.append(time.perf_counter() - t)
        for nom, serie in (
            ("un vers un (itinéraire, sans borne)", un),
            ("un vers 300 (≤ 90 min)", plusieurs),
        ):
            mesures.append((f"{nom} : médiane", f"{statistics.median(serie) * 1000:.0f} ms"))
            mesures.append(
                (
                    f"{nom} : 95e centile",
                    f"{sorted(serie)[int(0.95 * len(serie)) - 1] * 1000:.0f} ms",
                )
            )
    print(
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, "
        f"Python {platform.python_version()}"
    )
    print(
        f"Flux : {taille['arrêts']} arrêts, {taille['lignes']} lignes, "
        f"{taille['courses']} courses, "
        f"{taille['passages']} passages ; le {JOUR:%d/%m/%Y} : {len(reseau.dep)} connexions, "
        f"{len(reseau.marche_vers)} correspondances à pied ; "
        f"{trouves}/{args.requetes} trajets trouvés"
    )
    print("\n| mesure | valeur |\n|---|---|")
    for nom, valeur in mesures:
        print(f"| {nom} | {valeur} |")


if __name__ == "__main__":
    main()
