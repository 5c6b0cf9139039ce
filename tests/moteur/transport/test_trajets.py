"""Le trajet montré (départ au plus tard, lignes, arrivée) sur le petit flux de `flux.py`.

Rappel : marche = 1 040 s par km ; O→A 300 m = 312 s ; B↔C 600 m = 624 s ; D→X 400 m = 416 s.
"""

from __future__ import annotations

from datetime import date

import pytest

from moteur.modele import Point
from moteur.transport import construire_reseau
from moteur.transport.trajets import Trajets, heure_arrivee_texte, heure_texte
from tests.moteur.transport.flux import LON, lat
from tests.moteur.transport.test_horaires import h

ORIGINE, X, Y = Point(lat(0), LON), Point(lat(15400), LON), Point(lat(900), LON)


@pytest.fixture
def trajets(flux):
    return Trajets(construire_reseau(flux, date(2026, 6, 16)), 90 * 60)


def test_depart_au_plus_tard_et_lignes(trajets):
    # Arriver en X à 09:10 (voir test_arrivee) : partir de O à 08:04:48, ligne 1 A 08:10 →
    # B 08:25, à pied B → C, ligne 2 C 08:40 → D 09:00, à pied D → X : 09:06:56.
    t = trajets.pour_arriver(ORIGINE, X, h("09:10"))
    assert t is not None
    assert (t.depart, t.arrivee, t.duree_min) == (h("08:04:48"), h("09:06:56"), 66)
    assert t.lignes == ("1", "2") and t.lignes_texte == "lignes 1 puis 2"
    assert t.detail == (
        "ligne 1 de Arrêt A (08:10) à Arrêt B (08:25) ; "
        "ligne 2 de Arrêt C (08:40) à Arrêt D (09:00)"
    )
    # Départ tronqué (08:04:48 → 08:04), arrivée arrondie au-dessus (09:06:56 → 09:07).
    assert t.resume == "départ 08:04, lignes 1 puis 2, arrivée 09:07 (66 min)"


def test_a_pied_et_impossible(trajets):
    # O → Y : 900 m à pied = 936 s ; arriver à 08:00 → partir à 07:44:24 → 15 min 36 s → 16.
    t = trajets.pour_arriver(ORIGINE, Y, h("08:00"))
    assert t is not None and t.a_pied and t.lignes == ()
    assert (t.duree_min, t.lignes_texte, t.detail) == (16, "à pied", "à pied (900 m)")
    # Arriver en X à 09:00 le mardi : aucune course n'arrive à temps (test_arrivee).
    assert trajets.pour_arriver(ORIGINE, X, h("09:00")) is None
    # Un seul balayage à rebours par (destination, heure) : gardé.
    assert trajets.profil(X, h("09:10")) is trajets.profil(X, h("09:10"))


def test_heures_apres_minuit():
    assert heure_texte(h("24:40")) == "00:40 (lendemain)"
    assert heure_texte(h("08:04:59")) == "08:04"
    assert heure_arrivee_texte(h("09:06:01")) == "09:07"
    assert heure_arrivee_texte(h("09:06")) == "09:06"
