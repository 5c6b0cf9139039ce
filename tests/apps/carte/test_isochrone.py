"""Couche isochrone de la fiche publique d'un projet : les lycées d'où son point de
rendez-vous est atteignable (petit flux de tests/moteur/transport/flux.py, mardi 16/06/2026,
arrivée 09:10, 90 min au plus). À la main : rendez-vous en X (15 400 m) ; lycée en O (0) :
départ 08:04:48 → 66 min ; lycée en Y (900) : départ 07:59:36 → 71 min ; lycée près de D
(15 000) : 400 m à pied = 416 s → 7 min ; lycée au sud (−5 000) : aucun arrêt à 1 km."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.carte.isochrone import lycees_atteignant
from apps.mobilite.services import changer_reglages, enregistrer_flux
from apps.projets.models import Projet
from tests.apps.fabriques import EtablissementFactory, ProjetFactory, SessionFactory
from tests.apps.mobilite.test_vues import zip_du_flux
from tests.moteur.transport.flux import LON, lat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dossiers(settings, tmp_path, monkeypatch):
    settings.MOBILITE_DOSSIER_GTFS = tmp_path / "gtfs"
    monkeypatch.setenv("STAGES_CACHE_TRANSPORT", str(tmp_path / "cache"))
    cache.clear()


@pytest.fixture
def projet():
    session = SessionFactory()
    for nom, metres in (("Lycée O", 0), ("Lycée Y", 900), ("Lycée D", 15000), ("Lycée S", -5000)):
        EtablissementFactory(nom=nom, latitude=lat(metres), longitude=LON)
    return ProjetFactory(
        session=session, latitude=lat(15400), longitude=LON, statut=Projet.Statut.PUBLIE
    )


def televerser(session, tmp_path):
    flux = enregistrer_flux(session, zip_du_flux(tmp_path), None)
    changer_reglages(flux, date(2026, 6, 16), 90, time(9, 10))


def test_lycees_atteignant(projet, tmp_path):
    assert lycees_atteignant(projet) is None  # sans flux
    televerser(projet.session, tmp_path)
    isochrone = lycees_atteignant(projet)
    assert isochrone is not None
    assert [(e.nom, m) for e, m in isochrone.lycees] == [
        ("Lycée D", 7),
        ("Lycée O", 66),
        ("Lycée Y", 71),
    ]
    assert isochrone.jour_texte == "mardi 16/06/2026"


def test_fiche_publique_en_texte_et_sur_la_carte(client, projet, tmp_path):
    url = reverse("carte:fiche", args=[projet.pk])
    assert 'id="isochrone"' not in client.get(url).content.decode()
    televerser(projet.session, tmp_path)
    cache.clear()  # la version des données (gardée 2 s) suit aussi le flux : voir test_cache
    page = client.get(url).content.decode()
    assert "Lycées d'où venir en transport en commun" in page
    assert "à 09:10 au plus tard, en transport en commun ou à pied, en 90 min au plus" in page
    assert "<li>Lycée D — 7 min</li>" in page and "<li>Lycée Y — 71 min</li>" in page
    assert "Lycée S" not in page
    debut = page.index('<script id="lycees-atteignant" type="application/json">')
    donnees = json.loads(page[debut:].split(">", 1)[1].split("</script>", 1)[0])
    assert [(d["nom"], d["minutes"]) for d in donnees] == [
        ("Lycée D", 7),
        ("Lycée O", 66),
        ("Lycée Y", 71),
    ]


def test_nom_de_lycee_jamais_en_html(client, projet, tmp_path):
    EtablissementFactory(nom="<img src=x onerror=alert(1)>", latitude=lat(0), longitude=LON)
    televerser(projet.session, tmp_path)
    page = client.get(reverse("carte:fiche", args=[projet.pk])).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; — 66 min" in page
    assert "\\u003Cimg src=x onerror=alert(1)\\u003E" in page  # json_script échappe


def test_la_version_de_la_carte_suit_le_flux(projet, tmp_path):
    from apps.carte.cache import version_carte

    avant = version_carte(projet.session)
    televerser(projet.session, tmp_path)
    assert version_carte(projet.session) != avant
