"""L'emploi du temps d'un élève au format iCalendar (RFC 5545) : un événement par jour,
avec la structure, son adresse et les horaires, à l'heure de Paris ; avec un flux GTFS, le
trajet conseillé pour y arriver à l'heure (`moteur.documents.trajets`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from moteur.documents.emploi_du_temps import EmploiDuTempsEleve, JourStage
from moteur.documents.trajets import TrajetDuJour

FUSEAU = ZoneInfo("Europe/Paris")
PRODID = "-//Stages collectifs de seconde//Normandie//FR"


def _evenement(
    emploi: EmploiDuTempsEleve,
    jour: JourStage,
    referent_telephone: str,
    trajet: TrajetDuJour | None = None,
) -> Event:
    evenement = Event()
    evenement.add("uid", f"{emploi.eleve_id}-{jour.date.isoformat()}@stages-collectifs")
    evenement.add("dtstamp", datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")))
    evenement.add("dtstart", datetime.combine(jour.date, jour.heure_debut, tzinfo=FUSEAU))
    evenement.add("dtend", datetime.combine(jour.date, jour.heure_fin, tzinfo=FUSEAU))
    evenement.add("summary", f"Stage d'observation : {jour.structure_nom}")
    evenement.add("location", jour.adresse_complete or jour.structure_nom)
    lignes = [
        f"Structure : {jour.structure_nom}",
        f"Adresse : {jour.adresse_complete or 'à préciser'}",
        f"Horaires : {jour.horaires}",
        f"Pause déjeuner : {jour.pause}",
    ]
    if jour.tuteur:
        lignes.append(f"Tuteur : {jour.tuteur}")
    if jour.telephone:
        lignes.append(f"Téléphone de la structure : {jour.telephone}")
    if referent_telephone:
        lignes.append(f"Téléphone du référent du groupe : {referent_telephone}")
    if trajet is not None:
        lignes.append(trajet.texte)
    evenement.add("description", "\n".join(lignes))
    return evenement


def calendrier_ics(
    emploi: EmploiDuTempsEleve,
    referent_telephone: str = "",
    trajets: Mapping[date, TrajetDuJour] | None = None,
) -> bytes:
    """Le fichier .ics de l'élève. Le contenu est déterministe (DTSTAMP fixe) : deux
    exports du même plan (et du même flux) donnent les mêmes octets."""
    trajets = trajets or {}
    calendrier = Calendar()
    calendrier.add("prodid", PRODID)
    calendrier.add("version", "2.0")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("x-wr-calname", "Stage d'observation de seconde")
    for jour in emploi.jours:
        calendrier.add_component(
            _evenement(emploi, jour, referent_telephone, trajets.get(jour.date))
        )
    calendrier.add_missing_timezones()
    return bytes(calendrier.to_ical())
