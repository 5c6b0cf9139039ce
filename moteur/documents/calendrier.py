"""L'emploi du temps d'un élève au format iCalendar (RFC 5545) : un événement par jour,
avec la structure, son adresse et les horaires, à l'heure de Paris."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from moteur.documents.emploi_du_temps import EmploiDuTempsEleve, JourStage

FUSEAU = ZoneInfo("Europe/Paris")
PRODID = "-//Stages collectifs de seconde//Normandie//FR"


def _evenement(emploi: EmploiDuTempsEleve, jour: JourStage, referent_telephone: str) -> Event:
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
    evenement.add("description", "\n".join(lignes))
    return evenement


def calendrier_ics(emploi: EmploiDuTempsEleve, referent_telephone: str = "") -> bytes:
    """Le fichier .ics de l'élève. Le contenu est déterministe (DTSTAMP fixe) : deux
    exports du même plan donnent les mêmes octets."""
    calendrier = Calendar()
    calendrier.add("prodid", PRODID)
    calendrier.add("version", "2.0")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("x-wr-calname", "Stage d'observation de seconde")
    for jour in emploi.jours:
        calendrier.add_component(_evenement(emploi, jour, referent_telephone))
    calendrier.add_missing_timezones()
    return bytes(calendrier.to_ical())
