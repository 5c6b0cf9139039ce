"""Rapprochement lycée -> commune, sur un petit index construit à la main (sans base)."""

from __future__ import annotations

import json

import pytest
import shapely

from apps.etablissements.rapprochement import (
    AMBIGUITE,
    CODE_POSTAL_ABSENT,
    VILLE_INCONNUE,
    IndexCommunes,
    LyceeSource,
    normaliser,
    placer,
)
from apps.territoires.donnees import geojson
from moteur.referentiel import nom_complet


@pytest.mark.parametrize(
    ("brut", "attendu"),
    [
        ("SOTTEVILLE-LÈS-ROUEN CEDEX", "SOTTEVILLE LES ROUEN"),
        ("Sotteville-lès-Rouen", "SOTTEVILLE LES ROUEN"),
        ("CAEN CEDEX 5", "CAEN"),
        ("ROUEN CEDEX 01", "ROUEN"),
        ("ST-LÔ", "SAINT LO"),
        ("STE ADRESSE", "SAINTE ADRESSE"),
        ("L'AIGLE", "L AIGLE"),
        ("MARSEILLE 8E", "MARSEILLE"),
        ("Bœuf", "BOEUF"),
    ],
)
def test_normaliser(brut, attendu):
    assert normaliser(brut) == attendu


def test_nom_complet():
    assert nom_complet("Havre", "2") == "Le Havre"
    assert nom_complet("Aigle", "5") == "L'Aigle"
    assert nom_complet("Caen", "0") == "Caen"


def _index() -> IndexCommunes:
    index = IndexCommunes()
    communes = {
        "14118": ("Caen", "14000"),
        "61001": ("Alençon", "61000"),
        "76351": ("Le Havre", "76600"),
        "14200": ("Creully sur Seulles", "14480"),
        "27001": ("Saint-Martin", "27100"),
        "27002": ("Saint-Martin", "27200"),
    }
    for code, (nom, cp) in communes.items():
        index.noms[code] = nom
        index.noms_normalises[code] = normaliser(nom)
        index.par_nom[normaliser(nom)].add(code)
        index.par_code_postal[cp].add(code)
    index.par_ancien_nom[normaliser("Saint-Germain-la-Blanche-Herbe")].add("14118")
    return index


def _lycee(ville: str, cp: str, uai: str = "0140001A") -> LyceeSource:
    return LyceeSource(uai=uai, nom="LYCÉE TEST", ville=ville, code_postal=cp, departement="14")


@pytest.mark.parametrize(
    ("ville", "cp", "uai", "commune", "methode"),
    [
        ("Caen", "14000", "0140001A", "14118", "code postal et nom"),
        ("CAEN CEDEX 5", "14070", "0140001A", "14118", "nom (code postal CEDEX ou particulier)"),
        ("LE HAVRE CEDEX", "76054", "0760001A", "76351", "nom (code postal CEDEX ou particulier)"),
        ("Alenèon", "61000", "0610001A", "61001", "nom approché, même code postal"),
        ("Alenèon", "61014", "0610001A", "61001", "nom approché, même département"),
        (
            "Creully",
            "14480",
            "0140001A",
            "14200",
            "nom inclus dans celui de la commune (commune nouvelle)",
        ),
        (
            "Saint-Germain-la-Blanche-Herbe",
            "14000",
            "0140001A",
            "14118",
            "ancienne commune (déléguée ou associée)",
        ),
    ],
)
def test_placer(ville, cp, uai, commune, methode):
    placement = placer(_lycee(ville, cp, uai), _index())
    assert (placement.commune, placement.methode) == (commune, methode)
    assert placement.place


def test_ville_inconnue():
    placement = placer(_lycee("Trifouillis", "14000"), _index())
    assert not placement.place
    assert placement.raison == VILLE_INCONNUE
    assert "Trifouillis" in placement.detail


def test_code_postal_absent():
    placement = placer(_lycee("Trifouillis", ""), _index())
    assert placement.raison == CODE_POSTAL_ABSENT


def test_ambiguite():
    placement = placer(_lycee("Saint-Martin", "27999", "0270001A"), _index())
    assert placement.raison == AMBIGUITE
    assert "Saint-Martin (27001)" in placement.detail
    assert "Saint-Martin (27002)" in placement.detail


def test_geojson_arrondi_et_valide():
    carre = shapely.Polygon([(0.123456, 49.0), (0.2, 49.0), (0.2, 49.1), (0.123456, 49.1)])
    donnees = json.loads(geojson(carre))
    assert donnees["type"] == "Polygon"
    assert [0.1235, 49.0] in donnees["coordinates"][0]
    assert geojson(None) == ""
