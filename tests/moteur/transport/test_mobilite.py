"""Le point de vigilance « mobilité » en vrais horaires, sur le petit flux de `flux.py`
(mardi 16 juin 2026 : l'express 3 ne circule pas). Réponses calculées à la main.

Lieux (mètres au nord de O, même méridien) : rendez-vous en O (0) ; « Atelier Y » en Y
(900, ouvre à 9 h) ; « Usine X » en X (15 400, ouvre à 9 h 10) ; « Garage X » aussi en X
(ouvre à 9 h). Limite : 90 min. Marche : 1 040 s par km.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from moteur.modele import ParametresTransport, Point
from moteur.transport import construire_reseau
from moteur.transport.mobilite import Lieu, consecutifs, horaires_mobilite
from moteur.vigilance import Etat, ProjetVigilance, SiteVigilance, evaluer, mobilite
from tests.moteur.transport.flux import LON, lat

MARDI = date(2026, 6, 16)
J15, J16, J17, J18 = (date(2026, 6, d) for d in (15, 16, 17, 18))
RDV, Y, X = Point(lat(0), LON), Point(lat(900), LON), Point(lat(15400), LON)
LIEUX = (
    Lieu("y", "Atelier Y", Y, time(9, 0)),
    Lieu("u", "Usine X", X, time(9, 10)),
    Lieu("g", "Garage X", X, time(9, 0)),
)
# G1 : Y, puis X (9 h 10), X encore, puis Garage X (même point) ; G2 : Y puis Garage X.
PROGRAMME = (
    ("G1", J15, "y"),
    ("G1", J16, "u"),
    ("G1", J17, "u"),
    ("G1", J18, "g"),
    ("G2", J15, "y"),
    ("G2", J16, "g"),
)


@pytest.fixture
def transport(flux: Path) -> ParametresTransport:
    return ParametresTransport(flux, "reseau.zip", 90, time(9, 0), MARDI)


def calculer(flux, transport, lieux=LIEUX, programme=PROGRAMME):
    reseau = construire_reseau(flux, MARDI)
    return horaires_mobilite(reseau, transport, MARDI, RDV, lieux, programme)


def test_structures_consecutives_seulement_aux_changements():
    assert consecutifs(PROGRAMME) == [
        ("G1", J16, "y", "u"),
        ("G1", J18, "u", "g"),
        ("G2", J16, "y", "g"),
    ]


def test_trajets_reels_et_jour_signale(flux, transport):
    h = calculer(flux, transport)
    rdv = {t.vers: t for t in h.depuis_rdv}
    # O → Y : 900 m à pied = 936 s ; être là à 9 h → partir à 08:44:24 → 16 min.
    assert (rdv["Atelier Y"].duree_min, rdv["Atelier Y"].lignes) == (16, "à pied")
    # O → X pour 9 h 10 : A 08:10 (ligne 1) → B, à pied → C, 08:40 (ligne 2) → D, à pied
    # → X à 09:06:56 ; départ 08:04:48 → 65 min 12 s → 66 min.
    assert (rdv["Usine X"].duree_min, rdv["Usine X"].lignes) == (66, "lignes 1 puis 2")
    # O → X pour 9 h : rien n'arrive à temps le mardi (le 2 de 08:35 n'est pas rattrapé).
    assert not rdv["Garage X"].possible
    entre = [(t.groupe, t.jour, t.de, t.vers, t.duree_min) for t in h.entre_structures]
    # Y → X pour 9 h 10 : Y → A 600 m = 624 s, le 1 de 08:10 → partir à 07:59:36 ;
    # 09:10 − 07:59:36 = 70 min 24 s → 71 min. Usine X → Garage X : même point, 0 min.
    assert entre == [
        ("G1", J16, "Atelier Y", "Usine X", 71),
        ("G1", J18, "Usine X", "Garage X", 0),
        ("G2", J16, "Atelier Y", "Garage X", None),
    ]
    assert [(t.groupe, t.jour) for t in h.jours_signales] == [("G2", J16)]


def projet_vigilance(horaires) -> ProjetVigilance:
    sites = tuple(
        SiteVigilance(lieu.id, lieu.nom, lieu.point, 5, heure_debut=lieu.heure_debut)
        for lieu in LIEUX[:2]
    )
    return ProjetVigilance("P", RDV, 10, sites, horaires=horaires)


def test_point_de_vigilance_signale_le_jour(flux, transport):
    verdict = mobilite(projet_vigilance(calculer(flux, transport)))
    assert verdict.etat == Etat.ALERTE
    assert (
        "Le 16/06, le groupe G2 ne peut pas aller de Atelier Y à Garage X pour 9 h "
        "(en transport en commun ou à pied, en 90 min au plus)." in verdict.raison
    )
    assert "Du point de rendez-vous, Garage X n'est pas atteignable pour 9 h" in verdict.raison
    assert "horaires du mardi 16/06/2026, flux reseau.zip" in verdict.raison


def test_point_de_vigilance_conforme_avec_les_lignes(flux, transport):
    horaires = calculer(flux, transport, LIEUX[:2], PROGRAMME[:3])
    p = projet_vigilance(horaires)
    verdict = mobilite(p)
    assert verdict.etat == Etat.OK
    assert verdict.raison == (
        "Trajets réels (horaires du mardi 16/06/2026, flux reseau.zip) : du point de "
        "rendez-vous, au plus 66 min (Usine X, lignes 1 puis 2) ; entre structures "
        "consécutives, au plus 71 min (Atelier Y → Usine X, lignes 1 puis 2). Tout se fait "
        "en transport en commun ou à pied, en 90 min au plus, en arrivant à l'heure "
        "d'ouverture de chaque structure."
    )
    assert "à vol d'oiseau" not in verdict.raison
    point = next(q for q in evaluer(p) if q.code == "mobilite")
    assert point.horaires is horaires and len(point.horaires.tous) == 3
