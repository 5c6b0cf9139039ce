"""Le prétraitement : d'un flux GTFS et d'une date au `Reseau` que balaie le CSA.

Pour la date J, le réseau contient, triées par heure de départ :
- les connexions (arrêt → arrêt suivant d'une course) des courses dont le service circule
  le jour J, à leurs heures GTFS (après minuit, 24:10:00 = 86 400 + 600 s) ;
- celles des courses du service de la VEILLE qui roulent encore après minuit (départ
  ≥ 24:00:00), ramenées sur le jour J (− 86 400 s) : le car de 23 h 40 de la veille qui
  passe à 00 h 20 se prend le jour J à 00 h 20.
Les heures sont en secondes depuis minuit du jour J. Un arrêt sans heure (arrêt non
horaire de GTFS) n'est ni montée ni descente ; pickup_type/drop_off_type = 1 interdisent
la montée/la descente ; frequencies.txt est déplié en autant de courses que de passages.

Les correspondances à pied relient chaque arrêt aux arrêts à au plus 1 000 m à vol
d'oiseau (voir `marche`), en tableaux « CSR » (début, vers, secondes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from moteur.erreurs import ErreurUtilisateur, Probleme
from moteur.transport.calendrier import lire_calendrier
from moteur.transport.gtfs import FluxGtfs
from moteur.transport.marche import Grille, secondes_de_marche

JOUR_S = 86_400
MONTEE, DESCENTE = 1, 2


@dataclass(slots=True)
class Reseau:
    """Le réseau d'un jour, prêt pour le balayage (tout en listes parallèles)."""

    jour: date
    arrets_id: list[str]
    arrets_nom: list[str]
    latitudes: list[float]
    longitudes: list[float]
    courses_ligne: list[str]  # par course : nom court de la ligne
    courses_direction: list[str]  # par course : trip_headsign (ou vide)
    dep: list[int]
    arr: list[int]
    de: list[int]
    vers: list[int]
    course: list[int]
    drapeaux: list[int]  # MONTEE | DESCENTE
    marche_debut: list[int]
    marche_vers: list[int]
    marche_sec: list[int]
    nb_lignes: int = 0
    nb_services: int = 0
    _grille: Grille | None = field(default=None, repr=False)
    _ordre_arrivees: list[int] | None = field(default=None, repr=False)

    @property
    def grille(self) -> Grille:
        if self._grille is None:
            self._grille = Grille(self.latitudes, self.longitudes)
        return self._grille

    @property
    def ordre_arrivees(self) -> list[int]:
        """Les indices des connexions par heure d'arrivée DÉCROISSANTE (pour le balayage à
        rebours de `profil`) ; à égalité, départ décroissant puis indice décroissant, si
        bien que dans une course le tronçon k + 1 passe toujours avant le tronçon k.
        Calculé une fois (une clé entière par connexion : un tri d'entiers, ~1 s pour
        1,5 million de connexions)."""
        if self._ordre_arrivees is None:
            n = len(self.dep)
            if n and max(self.arr) >= 1 << 20:
                raise ValueError("heure d'arrivée hors limites (plus de 12 jours)")
            bits = max(n, 1).bit_length()
            masque = (1 << bits) - 1
            cles = sorted(
                ((a << 20 | d) << bits | i
                 for i, (d, a) in enumerate(zip(self.dep, self.arr, strict=True))),
                reverse=True,
            )  # fmt: skip
            self._ordre_arrivees = [c & masque for c in cles]
        return self._ordre_arrivees


@dataclass(slots=True)
class _Passage:
    sequence: int
    arrivee: int | None
    depart: int | None
    arret: int
    montee: bool
    descente: bool
    numero: int  # ligne de stop_times.txt


@dataclass(slots=True)
class _Course:
    ligne: str
    direction: str
    jour: bool  # circule le jour J
    veille: bool  # circule la veille (pour sa partie après minuit)
    passages: list[_Passage] = field(default_factory=list)
    frequences: list[tuple[int, int, int]] = field(default_factory=list)


def construire_reseau(chemin: Path, jour: date) -> Reseau:
    """Lit le flux et construit le réseau du jour (sans cache : voir `cache.charger`)."""
    with FluxGtfs(chemin) as flux:
        calendrier = lire_calendrier(flux)
        periode = calendrier.periode()
        if periode is None or not periode[0] <= jour <= periode[1]:
            etendue = f"du {periode[0]:%d/%m/%Y} au {periode[1]:%d/%m/%Y}" if periode else "vide"
            raise ErreurUtilisateur(
                Probleme(
                    f"date {jour:%d/%m/%Y} hors de la période du flux ({etendue})",
                    f"{chemin.name} › calendar.txt / calendar_dates.txt",
                    colonne="--date",
                )
            )
        services_jour = calendrier.services(jour)
        services_veille = calendrier.services(jour - timedelta(days=1))
        arrets_id, noms, lats, lons = _lire_arrets(flux)
        index_arrets = {a: i for i, a in enumerate(arrets_id)}
        lignes = _lire_lignes(flux)
        courses = _lire_courses(flux, lignes, services_jour, services_veille)
        _lire_frequences(flux, courses)
        _lire_passages(flux, courses, index_arrets)
    reseau = Reseau(jour, arrets_id, noms, lats, lons, [], [], [], [], [], [], [], [], [], [], [])
    reseau.nb_services = len(services_jour)
    reseau.nb_lignes = len({c.ligne for c in courses.values() if c is not None and c.jour})
    _connexions(reseau, courses, chemin.name)
    _correspondances(reseau)
    return reseau


def _lire_arrets(flux: FluxGtfs) -> tuple[list[str], list[str], list[float], list[float]]:
    table = flux.table("stops.txt")
    assert table is not None
    ids: list[str] = []
    noms: list[str] = []
    lats: list[float] = []
    lons: list[float] = []
    vus: set[str] = set()
    with table:
        i_id, i_nom = table.indice("stop_id"), table.indice("stop_name", obligatoire=False)
        i_lat, i_lon = table.indice("stop_lat"), table.indice("stop_lon")
        i_type = table.indice("location_type", obligatoire=False)
        for ligne in table:
            arret = table.texte(ligne, i_id, "stop_id")
            if arret in vus:
                raise table.erreur(f"stop_id « {arret} » en double", ligne.numero, "stop_id")
            vus.add(arret)
            genre = table.texte(ligne, i_type, "location_type", requis=False)
            if genre in ("2", "3", "4") and not table.texte(ligne, i_lat, "stop_lat", False):
                continue  # entrée, nœud ou zone d'embarquement sans coordonnées : inutile ici
            ids.append(arret)
            noms.append(table.texte(ligne, i_nom, "stop_name", requis=False) or arret)
            lats.append(table.flottant(ligne, i_lat, "stop_lat", (-90.0, 90.0)))
            lons.append(table.flottant(ligne, i_lon, "stop_lon", (-180.0, 180.0)))
    return ids, noms, lats, lons


def _lire_lignes(flux: FluxGtfs) -> dict[str, str]:
    """route_id -> nom affiché (route_short_name, sinon route_long_name, sinon route_id)."""
    table = flux.table("routes.txt")
    assert table is not None
    lignes: dict[str, str] = {}
    with table:
        i_id = table.indice("route_id")
        i_court = table.indice("route_short_name", obligatoire=False)
        i_long = table.indice("route_long_name", obligatoire=False)
        for ligne in table:
            route = table.texte(ligne, i_id, "route_id")
            court = table.texte(ligne, i_court, "route_short_name", requis=False)
            long = table.texte(ligne, i_long, "route_long_name", requis=False)
            lignes[route] = court or long or route
    return lignes


def _lire_courses(
    flux: FluxGtfs, lignes: dict[str, str], jour: set[str], veille: set[str]
) -> dict[str, _Course | None]:
    """trip_id -> course (None : la course ne circule ni le jour J ni la veille)."""
    table = flux.table("trips.txt")
    assert table is not None
    courses: dict[str, _Course | None] = {}
    with table:
        i_ligne, i_service = table.indice("route_id"), table.indice("service_id")
        i_id = table.indice("trip_id")
        i_direction = table.indice("trip_headsign", obligatoire=False)
        for ligne in table:
            course = table.texte(ligne, i_id, "trip_id")
            route = table.texte(ligne, i_ligne, "route_id")
            service = table.texte(ligne, i_service, "service_id")
            if course in courses:
                raise table.erreur(f"trip_id « {course} » en double", ligne.numero, "trip_id")
            if route not in lignes:
                raise table.erreur(
                    f"route_id « {route} » absent de routes.txt", ligne.numero, "route_id"
                )
            if service in jour or service in veille:
                direction = table.texte(ligne, i_direction, "trip_headsign", requis=False)
                courses[course] = _Course(
                    lignes[route], direction, service in jour, service in veille
                )
            else:
                courses[course] = None
    return courses


def _lire_frequences(flux: FluxGtfs, courses: dict[str, _Course | None]) -> None:
    table = flux.table("frequencies.txt", obligatoire=False)
    if table is None:
        return
    with table:
        i_id, i_pas = table.indice("trip_id"), table.indice("headway_secs")
        i_debut, i_fin = table.indice("start_time"), table.indice("end_time")
        for ligne in table:
            trip = table.texte(ligne, i_id, "trip_id")
            if trip not in courses:
                message = f"trip_id « {trip} » absent de trips.txt"
                raise table.erreur(message, ligne.numero, "trip_id")
            debut = table.heure(ligne, i_debut, "start_time")
            fin = table.heure(ligne, i_fin, "end_time")
            if debut is None or fin is None:
                colonne = "start_time" if debut is None else "end_time"
                raise table.erreur("valeur obligatoire manquante", ligne.numero, colonne)
            pas = table.entier(ligne, i_pas, "headway_secs")
            if pas <= 0:
                raise table.erreur("headway_secs doit être positif", ligne.numero, "headway_secs")
            course = courses[trip]
            if course is not None:
                course.frequences.append((debut, fin, pas))


def _lire_passages(
    flux: FluxGtfs, courses: dict[str, _Course | None], index_arrets: dict[str, int]
) -> None:
    table = flux.table("stop_times.txt")
    assert table is not None
    with table:
        i_trip, i_seq = table.indice("trip_id"), table.indice("stop_sequence")
        i_arret = table.indice("stop_id")
        i_arr, i_dep = table.indice("arrival_time"), table.indice("departure_time")
        i_montee = table.indice("pickup_type", obligatoire=False)
        i_descente = table.indice("drop_off_type", obligatoire=False)
        for ligne in table:
            trip = table.texte(ligne, i_trip, "trip_id")
            if trip not in courses:
                message = f"trip_id « {trip} » absent de trips.txt"
                raise table.erreur(message, ligne.numero, "trip_id")
            arret = table.texte(ligne, i_arret, "stop_id")
            if arret not in index_arrets:
                raise table.erreur(
                    f"stop_id « {arret} » absent de stops.txt (ou sans coordonnées)",
                    ligne.numero,
                    "stop_id",
                )
            sequence = table.entier(ligne, i_seq, "stop_sequence")
            arrivee = table.heure(ligne, i_arr, "arrival_time")
            depart = table.heure(ligne, i_dep, "departure_time")
            course = courses[trip]
            if course is None:
                continue
            montee = table.texte(ligne, i_montee, "pickup_type", requis=False) != "1"
            descente = table.texte(ligne, i_descente, "drop_off_type", requis=False) != "1"
            course.passages.append(
                _Passage(
                    sequence, arrivee, depart, index_arrets[arret], montee, descente, ligne.numero
                )
            )


def _connexions(reseau: Reseau, courses: dict[str, _Course | None], nom_flux: str) -> None:
    brutes: list[tuple[int, int, int, int, int, int, int]] = []
    for course in courses.values():
        if course is None:
            continue
        horaires = _horaires(course, nom_flux)
        if len(horaires) < 2:
            continue
        premier_depart = horaires[0][2]
        decalages = [0]
        if course.frequences:
            decalages = [
                t - premier_depart
                for debut, fin, pas in course.frequences
                for t in range(debut, fin, pas)
            ]
        for decalage in decalages:
            for jour_decal, circule in ((0, course.jour), (-JOUR_S, course.veille)):
                if not circule:
                    continue
                numero = len(reseau.courses_ligne)
                ajoutees = 0
                for k in range(len(horaires) - 1):
                    a, _, dep_a, montee, _ = horaires[k]
                    b, arr_b, _, _, descente = horaires[k + 1]
                    dep = dep_a + decalage + jour_decal
                    if dep < 0:
                        continue  # partie de la course de la veille avant minuit
                    drapeau = (MONTEE if montee else 0) | (DESCENTE if descente else 0)
                    brutes.append((dep, arr_b + decalage + jour_decal, numero, k, a, b, drapeau))
                    ajoutees += 1
                if ajoutees:
                    reseau.courses_ligne.append(course.ligne)
                    reseau.courses_direction.append(course.direction)
    brutes.sort()
    for dep, arr, numero, _, a, b, drapeau in brutes:
        reseau.dep.append(dep)
        reseau.arr.append(arr)
        reseau.course.append(numero)
        reseau.de.append(a)
        reseau.vers.append(b)
        reseau.drapeaux.append(drapeau)


def _horaires(course: _Course, nom_flux: str) -> list[tuple[int, int, int, bool, bool]]:
    """Les passages horaires d'une course, dans l'ordre : (arrêt, arrivée, départ, montée,
    descente). Une heure manquante d'un côté prend la valeur de l'autre ; le temps ne
    doit jamais reculer le long de la course."""
    course.passages.sort(key=lambda p: p.sequence)
    horaires: list[tuple[int, int, int, bool, bool]] = []
    precedent = -1
    for p in course.passages:
        if p.arrivee is None and p.depart is None:
            continue
        arrivee = p.arrivee if p.arrivee is not None else p.depart
        depart = p.depart if p.depart is not None else p.arrivee
        assert arrivee is not None and depart is not None
        if arrivee < precedent or depart < arrivee:
            raise ErreurUtilisateur(
                Probleme(
                    "l'heure recule le long de la course (arrivée, départ et stop_sequence "
                    "incohérents)",
                    f"{nom_flux} › stop_times.txt",
                    p.numero,
                    "arrival_time" if arrivee < precedent else "departure_time",
                )
            )
        precedent = depart
        horaires.append((p.arret, arrivee, depart, p.montee, p.descente))
    return horaires


def _correspondances(reseau: Reseau) -> None:
    grille = reseau.grille
    reseau.marche_debut.append(0)
    for i, (lat, lon) in enumerate(zip(reseau.latitudes, reseau.longitudes, strict=True)):
        for j, metres in grille.voisins(lat, lon):
            if j != i:
                reseau.marche_vers.append(j)
                reseau.marche_sec.append(secondes_de_marche(metres))
        reseau.marche_debut.append(len(reseau.marche_vers))
