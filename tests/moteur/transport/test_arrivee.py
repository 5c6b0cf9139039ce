"""« Arriver avant une heure » (profil, CSA à rebours) sur le petit flux de `flux.py`.

Rappel : marche = 1 040 s par km ; O→A 300 m = 312 s ; B↔C 600 m = 624 s ; D→X 400 m =
416 s ; O→Y 900 m = 936 s ; P→M 200 m = 208 s. La durée est « départ au plus tard →
heure d'arrivée demandée », arrondie à la minute supérieure. Chaque réponse est calculée
à la main en commentaire ; la contre-vérification par le CSA en avant est en fin de fichier.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from moteur.transport import (
    construire_reseau,
    duree_pour_arriver,
    durees_pour_arriver,
    itineraire,
    profil_arrivee,
)
from tests.moteur.transport.flux import LON, ecrire_flux, lat
from tests.moteur.transport.test_contre_verification import _flux_au_hasard, _zip
from tests.moteur.transport.test_horaires import h

ORIG, X, Y, P, D = 0, 15400, 900, 10200, 15000
MARDI, LUNDI = date(2026, 6, 16), date(2026, 6, 15)


@pytest.fixture
def mardi(flux):
    return construire_reseau(flux, MARDI)


def duree(reseau, de: float, vers: float, arrivee: str, max_min: int) -> int | None:
    return duree_pour_arriver(reseau, (lat(de), LON), (lat(vers), LON), h(arrivee), max_min * 60)


def test_correspondance_a_pied_a_rebours(mardi):
    # Arriver en X à 09:10 : descendre en D au plus tard à 09:10 − 416 s = 09:03:04 → le 2
    # de 08:40 (D 09:00) ; être en C à 08:40 → descendre en B au plus tard à 08:40 − 624 s
    # = 08:29:36 → le 1 de 08:10 (B 08:25) ; partir de O à 08:10 − 312 s = 08:04:48.
    # 09:10 − 08:04:48 = 65 min 12 s → 66 min.
    profil = profil_arrivee(mardi, (lat(X), LON), h("09:10"), 90 * 60)
    assert profil.depart_au_plus_tard((lat(ORIG), LON)) == h("08:04:48")
    assert profil.duree_min((lat(ORIG), LON)) == 66


def test_arriver_pile_et_une_seconde_trop_tot(mardi):
    # 09:06:56 : même départ 08:04:48 (le trajet arrive pile) → 62 min 8 s → 63 min.
    assert duree(mardi, ORIG, X, "09:06:56", 90) == 63
    # 09:06:55 : le 2 de 08:40 arrive 1 s trop tard ; celui de 08:35 (D 08:55) demande
    # d'être en B à 08:35 − 624 s = 08:24:36, le 1 de 08:10 arrive à 08:25 : trop tard ;
    # le 1 de 07:40 (B 07:55) → départ 07:40 − 312 s = 07:34:48 → 92 min 7 s → 93 min.
    assert duree(mardi, ORIG, X, "09:06:55", 95) == 93
    assert duree(mardi, ORIG, X, "09:06:55", 92) is None  # 93 min > 92


def test_service_retire_ou_ajoute_selon_le_jour(flux, mardi):
    # Arriver en X à 09:00 : descendre en D au plus tard à 08:53:04. Mardi, seuls les 2 de
    # 08:55, 09:00, 09:30 arrivent en D : tous trop tard → aucun trajet, quelle que soit
    # la durée permise.
    assert duree(mardi, ORIG, X, "09:00", 600) is None
    # Lundi, l'express 3 (SCOLAIRE) A 08:15 → D 08:45 circule : départ 08:15 − 312 s
    # = 08:09:48 → 50 min 12 s → 51 min.
    lundi = construire_reseau(flux, LUNDI)
    assert duree(lundi, ORIG, X, "09:00", 60) == 51
    assert duree(lundi, ORIG, X, "09:00", 50) is None


def test_marche_directe_et_borne(mardi):
    # ORIG → Y à pied : 900 m = 936 s = 15 min 36 s → 16 min ; pas en 15 min.
    assert duree(mardi, ORIG, Y, "09:00", 16) == 16
    assert duree(mardi, ORIG, Y, "09:00", 15) is None
    # D → X à pied (rien ne part de D) : 416 s → 6 min 56 s → 7 min.
    assert duree(mardi, D, X, "09:00", 10) == 7


def test_apres_minuit_course_du_jour_et_de_la_veille(mardi):
    # Le N du mardi : A 23:50 → M 24:10 → D 24:40. Arriver en D à 24:45 depuis ORIG : partir à
    # 23:50 − 312 s = 23:44:48 → 60 min 12 s → 61 min.
    assert duree(mardi, ORIG, D, "24:45", 90) == 61
    # Le N du LUNDI roule encore mardi à 00:10 (M) → 00:40 (D) : depuis P (200 m de M),
    # arriver à 00:45 → partir à 00:10 − 208 s = 00:06:32 → 38 min 28 s → 39 min.
    assert duree(mardi, P, D, "00:45", 60) == 39


def test_plusieurs_origines_un_seul_balayage(mardi):
    origines = [(lat(m), LON) for m in (ORIG, P, 13000, 5000)]
    # ORIG : 66 min (voir plus haut). P : seul M est à 1 000 m, et rien n'en part entre 07:40
    # et 09:10 → None. À 13 km : ni arrêt ni X à 1 000 m → None. Au point B : rien ne part
    # de B (terminus du 1) ; C est à 600 m : à pied 624 s, le 2 de 08:40 → partir à
    # 08:40 − 624 s = 08:29:36 → 40 min 24 s → 41 min.
    assert durees_pour_arriver(mardi, origines, (lat(X), LON), h("09:10"), 90 * 60) == [
        66,
        None,
        None,
        41,
    ]


@pytest.mark.parametrize("graine", range(20))
def test_coherent_avec_le_csa_en_avant(tmp_path, graine):
    """Le départ au plus tard LD rendu est exact : parti à LD on arrive à temps (CSA en
    avant, lui-même contre-vérifié), parti à LD + 1 s non ; et « None » ⇔ parti à
    `arrivee − duree_max` on arrive trop tard."""
    arrets, courses, _ = _flux_au_hasard(graine)
    reseau = construire_reseau(_zip(tmp_path, arrets, courses), MARDI)
    rng = random.Random(graine)
    trouves = 0
    for _ in range(12):
        destination = (49.18 + rng.uniform(0, 0.036), -0.37 + rng.uniform(0, 0.055))
        arrivee = rng.randrange(8 * 3600, 10 * 3600, rng.choice([60, 1]))
        duree_max = rng.choice([20, 45, 90]) * 60
        profil = profil_arrivee(reseau, destination, arrivee, duree_max)
        for _ in range(6):
            origine = (49.18 + rng.uniform(0, 0.036), -0.37 + rng.uniform(0, 0.055))
            ld = profil.depart_au_plus_tard(origine)
            if ld is None:
                t = itineraire(reseau, origine, destination, arrivee - duree_max)
                assert t is None or t.arrivee > arrivee, (graine, origine, destination)
                continue
            trouves += 1
            assert ld >= arrivee - duree_max
            t = itineraire(reseau, origine, destination, ld)
            assert t is not None and t.arrivee <= arrivee, (graine, origine, destination)
            t = itineraire(reseau, origine, destination, ld + 1)
            assert t is None or t.arrivee > arrivee, (graine, origine, destination)
    assert trouves >= 5


def test_tronçon_anterieur_d_une_course_prise_plus_loin(tmp_path):
    """Régression : course T de durée nulle Z 08:10 → A 08:10 → F 08:10. Monté en A, on
    ne « descend » pas en A par le tronçon Z → A (antérieur à la montée) : sinon on
    enchaînerait deux marches, ORIG → A puis A → G (900 m), pour prendre le car G → H."""
    positions = {"Z": 20000, "A": 300, "F": 5000, "G": 1200, "H": 8000}
    stops = "stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"{s},{s},{lat(m)!r},{LON!r}\n" for s, m in positions.items()
    )
    trips = "route_id,service_id,trip_id\nR1,SEMAINE,T\nR2,SEMAINE,U\n"
    stop_times = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "T,08:10:00,08:10:00,Z,1\nT,08:10:00,08:10:00,A,2\nT,08:10:00,08:10:00,F,3\n"
        "U,08:30:00,08:30:00,G,1\nU,08:50:00,08:50:00,H,2\n"
    )
    chemin = ecrire_flux(
        tmp_path / "t.zip", stops=stops, trips=trips, stop_times=stop_times, frequencies=None
    )
    reseau = construire_reseau(chemin, MARDI)
    assert itineraire(reseau, (lat(ORIG), LON), (lat(8000), LON), h("08:00")) is None
    assert duree(reseau, ORIG, 8000, "09:00", 90) is None
    # Le car U reste atteignable depuis G lui-même : 09:00 − 08:30 = 30 min.
    assert duree(reseau, 1200, 8000, "09:00", 90) == 30
