"""Les documents tirés d'un plan : emplois du temps, feuilles de route, élèves attendus,
versions des conventions, calendriers iCalendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import icalendar

from moteur.documents import (
    OptionsConvention,
    calendrier_ics,
    donnees_convention,
    eleves_attendus,
    eleves_places,
    emploi_du_temps_eleve,
    empreinte,
    feuille_de_route,
    pause_dejeuner,
)
from moteur.documents.textes import date_longue
from moteur.modele import LignePlanning
from tests.moteur.documents_exemple import plan_exemple, session_exemple


def test_emploi_du_temps_jour_par_jour() -> None:
    session = session_exemple()
    emploi = emploi_du_temps_eleve(session, plan_exemple(session), "E1")
    assert emploi is not None
    assert [j.date for j in emploi.jours] == list(session.jours)
    assert (emploi.date_debut, emploi.date_fin) == (date(2026, 6, 15), date(2026, 6, 26))
    assert emploi.structures == ["S1", "S2", "S3"]
    premier = emploi.jours[0]
    assert (premier.structure_nom, premier.horaires) == ("Hôpital de Caen", "08:30 – 16:00")
    assert premier.pause == "12:00 – 13:00"
    assert premier.adresse_complete.startswith("Avenue de la Côte de Nacre")
    # La mairie n'accueille que l'après-midi : pas de pause méridienne.
    assert emploi.jours[2].pause_debut is None


def test_eleve_non_place_na_ni_emploi_du_temps_ni_convention() -> None:
    session = session_exemple()
    plan = plan_exemple(session)
    assert emploi_du_temps_eleve(session, plan, "E3") is None
    assert donnees_convention(session, plan, "E3") is None
    assert eleves_places(session, plan) == ["E1", "E2"]


def test_pause_dejeuner() -> None:
    assert pause_dejeuner(time(9), time(17), 45) == (time(12), time(12, 45))
    assert pause_dejeuner(time(8), time(12), 60) == (None, None)
    assert pause_dejeuner(time(9), time(17), 0) == (None, None)


def test_feuille_de_route_du_groupe() -> None:
    session = session_exemple()
    feuille = feuille_de_route(session, plan_exemple(session), "P1", "A")
    assert feuille.referent_telephone == "06 12 34 56 78"
    assert feuille.eleves == ["E1", "E2"]
    assert len(feuille.jours) == 10
    assert feuille.jours[1].rendez_vous == "09:00"


def test_eleves_attendus_par_structure_et_par_jour() -> None:
    session = session_exemple()
    attendus = eleves_attendus(session, plan_exemple(session), "S1")
    assert list(attendus.par_jour) == [date(2026, 6, d) for d in (15, 18, 23, 26)]
    assert attendus.par_jour[date(2026, 6, 15)] == [("P1", "A", ["E1", "E2"])]
    assert attendus.total(date(2026, 6, 15)) == 2
    assert attendus.total(date(2026, 6, 16)) == 0


def test_parties_selon_le_projet() -> None:
    session = session_exemple()
    plan = plan_exemple(session)
    simple = donnees_convention(session, plan, "E2")
    assert [p.cle for p in simple.parties] == ["etablissement:0141555P", "porteur"]
    avec_structures = donnees_convention(
        session, plan, "E1", OptionsConvention(signature_par_structures=True)
    )
    assert [p.cle for p in avec_structures.parties] == [
        "etablissement:0141555P",
        "porteur",
        "structure:S1",
        "structure:S2",
        "structure:S3",
        "representant1",
    ]
    assert avec_structures.parties[2].signataire == "Directeur S1"


def test_empreinte_change_quand_le_plan_touche_l_eleve() -> None:
    session = session_exemple()
    plan = plan_exemple(session)
    avant = empreinte(donnees_convention(session, plan, "E1"))
    assert avant == empreinte(donnees_convention(session, plan_exemple(session), "E1"))
    # Changer le nombre de places du projet n'est pas imprimé : même version.
    session.projets["P1"] = replace(session.projets["P1"], places=30)
    assert empreinte(donnees_convention(session, plan, "E1")) == avant
    # Changer la structure d'un jour : nouvelle version.
    plan.planning[0] = LignePlanning("P1", "A", date(2026, 6, 15), "S2")
    apres = empreinte(donnees_convention(session, plan, "E1"))
    assert apres != avant
    assert len(apres) == 64


def test_periode_en_clair() -> None:
    session = session_exemple()
    donnees = donnees_convention(session, plan_exemple(session), "E1")
    assert donnees.periode.startswith("du lundi 15 juin 2026 au vendredi 26 juin 2026")
    assert date_longue(date(2026, 7, 1)) == "mercredi 1er juillet 2026"


def test_calendrier_un_evenement_par_jour() -> None:
    session = session_exemple()
    emploi = emploi_du_temps_eleve(session, plan_exemple(session), "E1")
    calendrier = icalendar.Calendar.from_ical(calendrier_ics(emploi, "06 12 34 56 78"))
    evenements = calendrier.walk("VEVENT")
    assert len(evenements) == 10
    assert len({e.decoded("dtstart").date() for e in evenements}) == 10
    premier = min(evenements, key=lambda e: e.decoded("dtstart"))
    assert premier.decoded("dtstart").isoformat() == "2026-06-15T08:30:00+02:00"
    assert premier.decoded("dtend").isoformat() == "2026-06-15T16:00:00+02:00"
    assert "Avenue de la Côte de Nacre" in str(premier["location"])
    assert "Hôpital de Caen" in str(premier["summary"])
    assert "06 12 34 56 78" in str(premier["description"])


def test_periode_dit_le_mois_et_l_annee_une_seule_fois_quand_ils_sont_communs():
    from moteur.documents.textes import periode

    assert periode(date(2026, 6, 15), date(2026, 6, 26)) == "du 15 au 26 juin 2026"
    assert periode(date(2026, 6, 29), date(2026, 7, 10)) == "du 29 juin au 10 juillet 2026"
    assert periode(date(2026, 12, 28), date(2027, 1, 8)) == (
        "du 28 décembre 2026 au 8 janvier 2027"
    )
    assert periode(date(2027, 6, 1), date(2027, 6, 11)) == "du 1er au 11 juin 2027"
