"""Le moteur d'horaires sur le petit flux de `flux.py` : réponses vérifiées à la main.

Rappel (voir flux.py) : marche = 1 040 s par km ; O→A 300 m = 312 s ; B→C 600 m = 624 s ;
D→X 400 m = 416 s ; O→Y 900 m = 936 s ; P→M 200 m = 208 s.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from moteur.erreurs import ErreurUtilisateur
from moteur.transport import arrivees, construire_reseau, itineraire
from moteur.transport.calendrier import lire_calendrier
from moteur.transport.gtfs import FluxGtfs
from moteur.transport.marche import distance_m, secondes_de_marche
from tests.moteur.transport.flux import LON, ecrire_flux, lat


def h(texte: str) -> int:
    heures, minutes, secondes = (int(x) for x in (texte + ":00")[:8].split(":"))
    return heures * 3600 + minutes * 60 + secondes


def trajet(flux: Path, jour: str, depart: str, de: float, vers: float):
    reseau = construire_reseau(flux, date.fromisoformat(jour))
    return itineraire(reseau, (lat(de), LON), (lat(vers), LON), h(depart))


def test_marche_haversine_et_vitesse():
    # Même méridien : 1 km au nord = 1 000 m exactement (au flottant près) ; 1 040 s à pied.
    assert distance_m(lat(0), LON, lat(1000), LON) == pytest.approx(1000, abs=1e-6)
    assert secondes_de_marche(1000) == 1040
    assert secondes_de_marche(200.0000000010177) == 208  # le bruit flottant ne compte pas
    assert secondes_de_marche(500.01) == 521  # 520,01 s → arrondi à la seconde supérieure


def test_services_du_jour(flux):
    with FluxGtfs(flux) as f:
        calendrier = lire_calendrier(f)
    assert calendrier.services(date(2026, 6, 15)) == {"SEMAINE", "SCOLAIRE"}  # lundi
    assert calendrier.services(date(2026, 6, 16)) == {"SEMAINE"}  # retiré par calendar_dates
    assert calendrier.services(date(2026, 6, 20)) == {"SCOLAIRE"}  # samedi ajouté
    assert calendrier.services(date(2026, 6, 21)) == set()  # dimanche
    assert calendrier.periode() == (date(2026, 6, 1), date(2026, 7, 31))


def test_correspondance_a_pied_et_depart_manque_de_24_s(flux):
    # Mardi 16, 08:00 : O→A à pied (312 s) 08:05:12 ; ligne 1 A 08:10 → B 08:25 ;
    # B→C à pied (624 s) 08:35:24 : le 2 de 08:35 est parti 24 s plus tôt, on prend celui
    # de 08:40 → D 09:00 ; D→X à pied (416 s) 09:06:56. 66 min 56 s → 67 min.
    t = trajet(flux, "2026-06-16", "08:00", 0, 15400)
    assert t is not None
    assert [(e.genre, e.ligne, e.depart, e.arrivee) for e in t.etapes] == [
        ("marche", "", h("08:00"), h("08:05:12")),
        ("transport", "1", h("08:10"), h("08:25")),
        ("marche", "", h("08:25"), h("08:35:24")),
        ("transport", "2", h("08:40"), h("09:00")),
        ("marche", "", h("09:00"), h("09:06:56")),
    ]
    assert [e.vers for e in t.etapes][:4] == ["Arrêt A", "Arrêt B", "Arrêt C", "Arrêt D"]
    assert t.duree_min == 67


def test_service_qui_circule_le_lundi(flux):
    # Lundi 15, le service SCOLAIRE circule : express 3 A 08:15 → D 08:45, + 416 s
    # = 08:51:56 → 51 min 56 s → 52 min.
    t = trajet(flux, "2026-06-15", "08:00", 0, 15400)
    assert t is not None
    assert [e.ligne for e in t.etapes if e.genre == "transport"] == ["3"]
    assert t.duree_min == 52


def test_arriver_pile_a_l_heure_du_depart_suffit(flux):
    # 08:04:48 + 312 s = 08:10:00 pile : le 1 de 08:10 est pris ; arrivée 09:06:56,
    # soit 62 min 8 s → 63 min.
    t = trajet(flux, "2026-06-16", "08:04:48", 0, 15400)
    assert t is not None and t.duree_min == 63
    # Une seconde plus tard on le manque : il ne reste que le car de nuit N (A 23:50 →
    # D 24:40) ; arrivée 24:46:56, soit 16 h 42 min 7 s après 08:04:49 → 1 003 min.
    t = trajet(flux, "2026-06-16", "08:04:49", 0, 15400)
    assert t is not None
    assert [e.ligne for e in t.etapes if e.genre == "transport"] == ["N"]
    assert t.duree_min == 1003


def test_course_de_nuit_apres_minuit(flux):
    # Mardi 23:30 : A à 23:35:12, N A 23:50 → D 24:40:00 (00:40 le mercredi), + 416 s
    # = 24:46:56 → 76 min 56 s → 77 min.
    t = trajet(flux, "2026-06-16", "23:30", 0, 15400)
    assert t is not None
    assert t.arrivee == h("24:46:56") and t.duree_min == 77
    # 23:55 : le dernier car est parti, X est à 15,4 km : aucun trajet.
    assert trajet(flux, "2026-06-16", "23:55", 0, 15400) is None


def test_course_de_la_veille_qui_roule_apres_minuit(flux):
    # Mercredi 00:00 près de M (P, 200 m : 208 s) : le N parti mardi à 23:50 passe à M
    # à 24:10 de mardi = 00:10 mercredi, D à 00:40, + 416 s = 00:46:56 → 47 min.
    t = trajet(flux, "2026-06-17", "00:00", 10200, 15400)
    assert t is not None
    assert [(e.genre, e.depart, e.arrivee) for e in t.etapes] == [
        ("marche", 0, 208),
        ("transport", h("00:10"), h("00:40")),
        ("marche", h("00:40"), h("00:46:56")),
    ]
    assert t.duree_min == 47


def test_marche_directe_sans_transport(flux):
    # Y est à 900 m de O : 936 s à pied → 15,6 min → 16 min, sans monter dans rien.
    t = trajet(flux, "2026-06-16", "08:00", 0, 900)
    assert t is not None
    assert [e.genre for e in t.etapes] == ["marche"]
    assert t.duree_min == 16


def test_deux_marches_ne_se_suivent_pas(flux):
    # Z est à 1 300 m de O : trop loin à pied directement, et O→A (300 m) puis A→Z
    # (1 000 m) ferait deux marches de suite sans véhicule entre elles : aucun trajet.
    assert trajet(flux, "2026-06-16", "08:00", 0, 1300) is None


def test_un_vers_plusieurs(flux):
    reseau = construire_reseau(flux, date(2026, 6, 16))
    points = [(lat(m), LON) for m in (15400, 900, 1300, 5000)]
    # X : 09:06:56 ; Y : 08:15:36 à pied ; Z : rien ; B (5 000 m) : ligne 1 à 08:25.
    assert arrivees(reseau, (lat(0), LON), points, h("08:00")) == [
        h("09:06:56"),
        h("08:15:36"),
        None,
        h("08:25"),
    ]
    # Borné à 60 min : X (66 min 56 s) n'est plus atteint.
    assert arrivees(reseau, (lat(0), LON), points, h("08:00"), duree_max=3600) == [
        None,
        h("08:15:36"),
        None,
        h("08:25"),
    ]


def test_frequences_et_descente_interdite(tmp_path):
    # frequencies.txt : la course 1a (A 08:10 → B 08:25) part aussi toutes les 10 min
    # de 08:10 à 08:40 (exclu) : 08:10, 08:20, 08:30. Depuis O à 08:10 : A à 08:15:12,
    # prise de 08:20, B à 08:35 ; B est la destination (0 m) → 25 min.
    f = ecrire_flux(
        tmp_path / "f.zip",
        frequencies="trip_id,start_time,end_time,headway_secs\n1a,08:10:00,08:40:00,600\n",
    )
    assert trajet(f, "2026-06-16", "08:10", 0, 5000).duree_min == 25
    # drop_off_type = 1 à B pour toutes les courses du 1 : on ne peut plus y descendre.
    arrets = "trip_id,arrival_time,departure_time,stop_id,stop_sequence,drop_off_type\n"
    arrets += "1a,08:10:00,08:10:00,A,1,0\n1a,08:25:00,08:25:00,B,2,1\n"
    arrets += "1b,07:40:00,07:40:00,A,1,0\n1b,07:55:00,07:55:00,B,2,1\n"
    arrets += "Na,23:50:00,23:50:00,A,1,\n"  # une course d'un seul arrêt : aucune connexion
    f = ecrire_flux(tmp_path / "g.zip", stop_times=arrets)
    assert trajet(f, "2026-06-16", "08:00", 0, 5000) is None


def test_correspondance_a_la_meme_seconde(tmp_path):
    # Deux courses « de durée nulle » enchaînées à la même heure, triées dans le mauvais
    # ordre (0z, de B à C, est lue avant 1y, de A à B, dans trips.txt) :
    # A 08:10 → B 08:10 puis B 08:10 → C 08:10. Le bloc est rebalayé, la correspondance
    # est prise : depuis A (O est à 300 m : 312 s) à 08:00, C atteint à 08:10 → 10 min.
    f = ecrire_flux(
        tmp_path / "f.zip",
        trips="route_id,service_id,trip_id\nR2,SEMAINE,0z\nR1,SEMAINE,1y\n",
        stop_times="trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "1y,08:10:00,08:10:00,A,1\n1y,08:10:00,08:10:00,B,2\n"
        "0z,08:10:00,08:10:00,B,1\n0z,08:10:00,08:10:00,C,2\n",
    )
    assert trajet(f, "2026-06-16", "08:00", 0, 5600).duree_min == 10


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [("2026-08-03", "date 03/08/2026 hors de la période du flux (du 01/06/2026 au 31/07/2026)")],
)
def test_date_hors_service(flux, jour, attendu):
    with pytest.raises(ErreurUtilisateur, match=r"reseau\.zip › calendar") as exc:
        construire_reseau(flux, date.fromisoformat(jour))
    assert attendu in str(exc.value)
