"""Le rapport d'allocation est écrit par le moteur aux formats français : « vœu », virgule
décimale, milliers séparés par une espace fine insécable, espace insécable avant « % »,
« km » et « points » (`moteur.francais`), constats d'égalité compris."""

from __future__ import annotations

import re

import pytest

from moteur.affectation import affecter, borne_max_flot, texte_rapport
from moteur.francais import en_points_fr, km_fr, nombre_fr, pourcent_fr, signe_fr, texte_fr
from tests.moteur.affectation.fabrique import session_test

NNBSP, NBSP = "\u202f", "\u00a0"


def _session_de_1200_eleves():
    """1 200 élèves, 1 000 places : P1 et P2 proches, P3 à 50 km (au-delà des 37,5 km) ;
    un élève sur quatre boursier, un sur trois rural, filles et garçons en alternance."""
    eleves = [
        {
            "id": f"E{n:04d}",
            "voeux": ["P3"] if n % 40 == 0 else (["P1", "P2"] if n % 2 else ["P2", "P1"]),
            "km": float(n % 7),
            "boursier": n % 4 == 0,
            "rural": n % 3 == 0,
            "genre": "F" if n % 2 else "M",
        }
        for n in range(1200)
    ]
    projets = [("P1", 500, 0.0), ("P2", 400, 10.0), ("P3", 100, 50.0)]
    return session_test(projets, eleves, distance_max_km=37.5)


@pytest.fixture(scope="module")
def session():
    return _session_de_1200_eleves()


@pytest.mark.parametrize("politique", ["stable", "optimal", "premier-arrive"])
def test_rapport_d_allocation_au_format_francais(session, politique):
    resultat = affecter(session, politique, 0)
    texte = texte_rapport(resultat, borne_max_flot(session))
    i = resultat.indicateurs
    assert i.eleves == 1200 and 0 < i.eleves_places < 1200 and resultat.constats_egalite

    # Ni « voeu », ni point décimal, ni nombre de quatre chiffres collés, ni « 16,9 % »
    # avec une espace ordinaire.
    assert re.search(r"(?i)\bvoeu", texte) is None and "premier vœu : " in texte
    assert re.search(r"\d\.\d", texte) is None, texte
    assert re.search(r"\d{4}", texte) is None, texte
    assert re.search(r"\d %|\d (km|points?)\b", texte) is None, texte
    assert texte.count("%") == texte.count(f"{NBSP}%") > 0

    lignes = texte.splitlines()
    assert lignes[0] == f"Allocation « {politique} » (graine 0)"
    assert lignes[1] == (
        f"- élèves placés : {nombre_fr(i.eleves_places)} sur 1{NNBSP}200 "
        f"({pourcent_fr(i.taux_placement)}), pour 1{NNBSP}000 places"
    )
    assert f"- au mieux possible (flot maximum) : {nombre_fr(borne_max_flot(session))} élèves" in (
        lignes
    )
    assert f"rang moyen obtenu : {nombre_fr(i.rang_moyen, 2)}" in texte
    assert re.search(r"rang moyen obtenu : 1,\d\d$", lignes[3])
    ecart = next(x for x in lignes if x.startswith("- écart d'égalité des chances : "))
    assert re.match(rf"- écart d'égalité des chances : [+−]\d+,\d{NBSP}points? \(", ecart)
    assert f"{km_fr(i.distance_moyenne_km)} en moyenne, {km_fr(i.distance_max_km)} au plus" in (
        texte
    )

    # Les constats d'égalité, écrits au format français à la source (moteur.affectation).
    constats = [x for x in lignes if x.startswith(("- Boursiers :", "- Élèves ruraux :"))]
    assert len(constats) == len(resultat.constats_egalite) == 2
    for constat in constats:
        assert re.match(
            rf"- (Boursiers|Élèves ruraux) : \d+,\d{NBSP}% placés contre \d+,\d{NBSP}% pour "
            rf"les autres \([+−]\d+,\d{NBSP}points?\)",
            constat,
        ), constat
    if politique == "optimal":
        assert any(x.startswith("- premier vœu sans l'égalité des chances") for x in lignes)

    # Les non-placés, par raison : nombres et raisons à la française.
    non_places = len(resultat.raisons)
    assert f"- non placés : {nombre_fr(non_places)}, par raison :" in lignes
    par_raison = [x for x in lignes if x.startswith("  · ")]
    assert sum(int(x[4:].split(" : ")[0].replace(NNBSP, "")) for x in par_raison) == non_places
    assert f"  · 30 : aucun vœu à portée (distance au-delà de 37,5{NBSP}km)" in lignes


def test_rapport_sans_detail_des_raisons(session):
    resultat = affecter(session, "stable", 0)
    texte = texte_rapport(resultat, detail_raisons=False)
    assert texte.splitlines()[-1] == f"- non placés : {nombre_fr(len(resultat.raisons))}"
    assert "par raison" not in texte and "  · " not in texte and "à portée" not in texte
    assert "au mieux possible" not in texte  # sans borne, pas de ligne du flot maximum
    assert texte_rapport(resultat).startswith(texte)  # le reste est identique


def test_formateurs_francais():
    assert nombre_fr(1234567.891, 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert signe_fr(2.54) == "+2,5" and signe_fr(-0.34) == "−0,3"
    assert signe_fr(-0.01) == "+0,0" and signe_fr(0) == "+0,0"  # jamais « −0,0 »
    assert en_points_fr(1.04) == f"+1,0{NBSP}point" and en_points_fr(-2.5) == f"−2,5{NBSP}points"
    assert en_points_fr(3, 0) == f"+3{NBSP}points"
    assert km_fr(12.34) == f"12,3{NBSP}km"
    assert texte_fr("Premier voeu : 16.9 %, v1.2.3, P1.2") == "Premier vœu : 16,9 %, v1.2.3, P1.2"
    assert texte_fr("voeu à 37.5 km, en 60 min, 2 points ; 16.9 %", insecables=True) == (
        f"vœu à 37,5{NBSP}km, en 60{NBSP}min, 2{NBSP}points ; 16,9{NBSP}%"
    )
