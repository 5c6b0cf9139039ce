"""Le trajet de l'élève vers la structure du jour dans son .ics, sur le petit flux de
`flux.py` (mardi 16 juin 2026, 90 min au plus). Réponses à la main : élève en O ; « Atelier
Y » (900 m, 9 h) le 15 : à pied 936 s → départ 08:44:24, 16 min ; « Usine X » (15 400 m,
9 h 10) le 16 : départ 08:04:48, lignes 1 puis 2, arrivée 09:06:56, 66 min."""

from __future__ import annotations

from datetime import date, time

import icalendar

from moteur.documents import calendrier_ics, emploi_du_temps_eleve, trajets_de_l_eleve
from moteur.documents.convention import donnees_convention, empreinte
from moteur.modele import (
    Affectation,
    Eleve,
    Etablissement,
    LignePlanning,
    ParametresSession,
    ParametresTransport,
    Plan,
    Point,
    Projet,
    Session,
    StructureAccueil,
    TypeProjet,
)
from moteur.transport import construire_reseau
from tests.moteur.transport.flux import LON, lat

ORIGINE = Point(lat(0), LON)
J15, J16 = date(2026, 6, 15), date(2026, 6, 16)


def session_et_plan(flux) -> tuple[Session, Plan]:
    parametres = ParametresSession("S", date(2026, 6, 15), date(2026, 6, 19))
    session = Session(parametres)
    session.etablissements["0140001A"] = Etablissement("0140001A", "Lycée", "14118", ORIGINE)
    for sid, nom, metres, debut in (("Y", "Atelier Y", 900, 9), ("X", "Usine X", 15400, 9)):
        session.structures[sid] = StructureAccueil(
            sid, nom, ("H",), "14118", Point(lat(metres), LON), 5,
            heure_debut=time(debut, 10 if sid == "X" else 0),
        )  # fmt: skip
    session.projets["P"] = Projet("P", "Projet", TypeProjet.MULTI_SECTEURS, "CC", "14118", ORIGINE,
                                  5, ("Y", "X"))  # fmt: skip
    session.eleves["E1"] = Eleve("E1", "0140001A", date(2010, 3, 1), ("P",), "14118", ORIGINE)
    plan = Plan({"E1": Affectation("E1", "P", 1, "G")})
    plan.planning = [LignePlanning("P", "G", J15, "Y"), LignePlanning("P", "G", J16, "X")]
    return session, plan


def test_ics_avec_le_trajet_du_jour(flux):
    session, plan = session_et_plan(flux)
    sans_flux = donnees_convention(session, plan, "E1")
    session.parametres.transport = ParametresTransport(flux, "reseau.zip", 90, time(9), J16)
    emploi = emploi_du_temps_eleve(session, plan, "E1")
    assert emploi is not None
    trajets = trajets_de_l_eleve(session, emploi, construire_reseau(flux, J16))
    assert trajets[J15].texte == (
        "Trajet conseillé (horaires du mardi 16 juin 2026) : départ 08:44, à pied, arrivée "
        "09:00 (16 min)."
    )
    assert trajets[J16].texte == (
        "Trajet conseillé (horaires du mardi 16 juin 2026) : départ 08:04, lignes 1 puis 2, "
        "arrivée 09:07 (66 min) : ligne 1 de Arrêt A (08:10) à Arrêt B (08:25) ; ligne 2 de "
        "Arrêt C (08:40) à Arrêt D (09:00)."
    )
    calendrier = icalendar.Calendar.from_ical(calendrier_ics(emploi, "", trajets))
    descriptions = [str(e["description"]) for e in calendrier.walk("VEVENT")]
    assert descriptions[0].endswith(trajets[J15].texte)
    assert descriptions[1].endswith(trajets[J16].texte)
    # Le trajet est indicatif : la convention signée ne change pas avec le flux.
    avec_flux = donnees_convention(session, plan, "E1")
    assert sans_flux is not None and avec_flux is not None
    assert empreinte(avec_flux) == empreinte(sans_flux)
    # Sans flux : pas de trajet, .ics inchangé.
    session.parametres.transport = None
    assert trajets_de_l_eleve(session, emploi, construire_reseau(flux, J16)) == {}
    assert b"Trajet" not in calendrier_ics(emploi, "")


def test_aucun_trajet_a_temps(flux):
    session, plan = session_et_plan(flux)
    session.structures["X"].heure_debut = time(9, 0)  # le mardi, rien n'arrive en X pour 9 h
    session.parametres.transport = ParametresTransport(flux, "reseau.zip", 90, time(9), J16)
    emploi = emploi_du_temps_eleve(session, plan, "E1")
    assert emploi is not None
    trajets = trajets_de_l_eleve(session, emploi, construire_reseau(flux, J16))
    assert trajets[J16].trajet is None
    assert trajets[J16].texte == (
        "Aucun trajet en transport en commun ou à pied n'arrive à Usine X pour 09:00 en "
        "90 min au plus (horaires du mardi 16 juin 2026) : voyez avec le référent du groupe."
    )
