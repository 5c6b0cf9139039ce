"""session.json avec un flux GTFS : `gtfs`, `duree_max_min`, `arrivee` (lecture, refus, export)."""

from __future__ import annotations

import json
from datetime import time

import pytest

from moteur.format import ecrire_session, lire_session
from moteur.transport.parametres import de_la_session, jour_de_calcul
from tests.moteur.test_format_lecture import problemes, seul_probleme
from tests.moteur.transport.flux import ecrire_flux

BASE = {
    "nom": "Session GTFS",
    "date_debut": "2026-06-15",
    "date_fin": "2026-06-26",
    "jours_feries": [],
    "distance_max_km": 25,
}


def session_json(**cles: object) -> str:
    return json.dumps(BASE | cles)


@pytest.fixture
def avec_flux(fabrique_dossier):
    """`avec_flux(**cles)` : un dossier valide, le petit flux dans `reseau.zip`, et
    session.json complété par `cles`."""

    def fabriquer(**cles: object):
        dossier = fabrique_dossier(session=session_json(**cles))
        ecrire_flux(dossier / "reseau.zip")
        return dossier

    return fabriquer


def test_cles_lues_et_jour_de_calcul(avec_flux):
    dossier = avec_flux(gtfs="reseau.zip", duree_max_min=60, arrivee="09:00")
    session = lire_session(dossier)
    transport = de_la_session(session)
    assert transport is not None
    assert transport.gtfs == dossier / "reseau.zip"
    assert (transport.duree_max_min, transport.arrivee) == (60, time(9, 0))
    assert jour_de_calcul(session).isoformat() == "2026-06-15"  # premier jour ouvré
    assert session.avertissements == []


def test_sans_gtfs_rien_ne_change_et_les_cles_seules_sont_signalees(avec_flux):
    session = lire_session(avec_flux(duree_max_min=60))
    assert de_la_session(session) is None
    assert session.avertissements == [
        "session.json : duree_max_min sans « gtfs » : ignoré (distance à vol d'oiseau seulement)"
    ]


def test_fichier_gtfs_manquant(avec_flux):
    p = seul_probleme(avec_flux(gtfs="atoumod.zip", duree_max_min=60, arrivee="09:00"))
    assert (p.fichier, p.colonne) == ("session.json", "gtfs")
    assert "fichier GTFS « atoumod.zip » introuvable dans le dossier" in p.message


@pytest.mark.parametrize("chemin", ["/etc/passwd", "../reseau.zip", "C:\\reseau.zip", ""])
def test_chemin_hors_du_dossier_refuse(avec_flux, chemin):
    p = seul_probleme(avec_flux(gtfs=chemin, duree_max_min=60, arrivee="09:00"))
    assert (p.fichier, p.colonne) == ("session.json", "gtfs")


def test_duree_et_arrivee_invalides_ou_absentes(avec_flux):
    trouves = problemes(avec_flux(gtfs="reseau.zip", duree_max_min=True, arrivee="9h"))
    assert [(p.colonne, p.message) for p in trouves] == [
        ("duree_max_min", "« True » n'est pas un nombre entier de minutes entre 1 et 1440"),
        ("arrivee", "« 9h » n'est pas une heure HH:MM (de 00:00 à 23:59)"),
    ]
    trouves = problemes(avec_flux(gtfs="reseau.zip"))
    assert [p.colonne for p in trouves] == ["duree_max_min", "arrivee"]
    assert all("obligatoire avec « gtfs »" in p.message for p in trouves)
    trouves = problemes(avec_flux(gtfs="reseau.zip", duree_max_min=0, arrivee="24:00"))
    assert [p.colonne for p in trouves] == ["duree_max_min", "arrivee"]
    assert lire_session(avec_flux(gtfs="reseau.zip", duree_max_min=60.0, arrivee="23:59"))


def test_flux_casse_ou_hors_periode(fabrique_dossier):
    dossier = fabrique_dossier(
        session=session_json(gtfs="reseau.zip", duree_max_min=60, arrivee="09:00")
    )
    (dossier / "reseau.zip").write_bytes(b"pas un zip")
    p = seul_probleme(dossier)
    assert p.fichier.endswith("reseau.zip") and "archive zip lisible" in p.message
    ecrire_flux(dossier / "reseau.zip", stop_times=None)
    assert "« stop_times.txt » absent de l'archive" in seul_probleme(dossier).message
    ecrire_flux(
        dossier / "reseau.zip",
        calendar="service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        "start_date,end_date\nSEMAINE,1,1,1,1,1,0,0,20260901,20260930\n",
        calendar_dates=None,
    )
    p = seul_probleme(dossier)
    assert "15/06/2026 est hors de la période du flux (du 01/09/2026 au 30/09/2026)" in p.message


def test_export_ecrit_les_cles_et_copie_le_flux(avec_flux, tmp_path):
    dossier = avec_flux(gtfs="reseau.zip", duree_max_min=45, arrivee="08:30")
    session = lire_session(dossier)
    sortie = tmp_path / "export"
    ecrire_session(session, sortie)
    brut = json.loads((sortie / "session.json").read_text(encoding="utf-8"))
    assert (brut["gtfs"], brut["duree_max_min"], brut["arrivee"]) == ("reseau.zip", 45, "08:30")
    assert (sortie / "reseau.zip").read_bytes() == (dossier / "reseau.zip").read_bytes()
    relue = de_la_session(lire_session(sortie))
    assert relue is not None and (relue.duree_max_min, relue.arrivee) == (45, time(8, 30))


def test_export_sans_gtfs_n_ecrit_pas_les_cles(session_valide, tmp_path):
    ecrire_session(session_valide, tmp_path / "export")
    brut = json.loads((tmp_path / "export" / "session.json").read_text(encoding="utf-8"))
    assert not {"gtfs", "duree_max_min", "arrivee"} & brut.keys()
