"""Carte publique, liste, fiche, marqueurs et contours."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.projets.models import Projet
from tests.apps.fabriques import (
    AffectationFactory,
    CommuneFactory,
    CreneauFactory,
    DepartementFactory,
    EpciFactory,
    GroupeFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

CONTOUR = '{"type":"Polygon","coordinates":[[[-0.4,49.1],[-0.3,49.1],[-0.3,49.2],[-0.4,49.1]]]}'


@pytest.fixture(autouse=True)
def _cache_vide():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session():
    return SessionFactory()


def projet_carte(session, statut=Projet.Statut.PUBLIE, domaines="H", **kwargs):
    structure = StructureAccueilFactory(session=session, domaines=domaines)
    return ProjetFactory(session=session, statut=statut, structures=[structure], **kwargs)


def test_la_carte_montre_les_projets_valides_et_publies_seulement(client, session):
    publie = projet_carte(session, nom="Industrie à L'Aigle")
    valide = projet_carte(session, statut=Projet.Statut.VALIDE, nom="Santé à Saint-Lô")
    projet_carte(session, statut=Projet.Statut.SOUMIS, nom="Projet soumis caché")
    ProjetFactory(
        session=SessionFactory(est_active=False),
        statut=Projet.Statut.PUBLIE,
        nom="Autre session cachée",
    )
    reponse = client.get(reverse("carte:carte"))
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert publie.nom.replace("'", "&#x27;") in texte
    assert valide.nom in texte
    assert "Projet soumis caché" not in texte
    assert "Autre session cachée" not in texte
    assert "data-carte-projets" in texte


def _requetes(client, url):
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


@pytest.mark.parametrize("nom_url", ["carte:carte", "carte:liste"])
def test_pas_de_n_plus_un_sur_la_carte_et_la_liste(
    client, session, django_assert_num_queries, nom_url
):
    for _ in range(3):
        projet_carte(session)
    peu = _requetes(client, reverse(nom_url))
    for _ in range(12):
        projet_carte(session, domaines="J|K")
    # Sans cache : session et version des données (4, dont le flux GTFS), puis la vue :
    # session, départements, EPCI, projets, structures préchargées (5) ; 9 requêtes quel que
    # soit le nombre de projets.
    with django_assert_num_queries(9):
        client.get(reverse(nom_url))
    assert peu == 9
    # Page en cache pour un visiteur anonyme (version des données gardée 2 s) : 0 requête.
    with django_assert_num_queries(0):
        client.get(reverse(nom_url))


def test_le_cache_suit_les_donnees(client, session):
    soumis = projet_carte(session, statut=Projet.Statut.SOUMIS, nom="Bientôt validé")
    assert "Bientôt validé" not in client.get(reverse("carte:carte")).content.decode()
    soumis.valider(par=None)  # le signal efface la version : pas d'attente de 2 s
    assert "Bientôt validé" in client.get(reverse("carte:carte")).content.decode()
    assert "Bientôt validé" in client.get(reverse("carte:liste")).content.decode()


def test_compte_connecte_jamais_servi_du_cache(client, session):
    projet = projet_carte(session, referent_telephone="02 31 00 00 00")
    url = reverse("carte:fiche", args=[projet.pk])
    assert "02 31 00 00 00" not in client.get(url).content.decode()
    client.force_login(UtilisateurFactory())
    assert "02 31 00 00 00" in client.get(url).content.decode()


def test_filtre_par_type(client, session):
    a = projet_carte(session, type="mono-site", nom="Mono site")
    projet_carte(session, type="bi-entreprises", nom="Bi entreprises")
    reponse = client.get(reverse("carte:liste"), {"type": "mono-site"})
    assert list(reponse.context["projets"]) == [a]


def test_filtre_par_secteur_rome(client, session):
    sante = projet_carte(session, domaines="J|K", nom="Santé")
    projet_carte(session, domaines="H", nom="Industrie")
    reponse = client.get(reverse("carte:liste"), {"secteur": "J"})
    assert [p.pk for p in reponse.context["projets"]] == [sante.pk]


def test_filtre_par_departement_et_epci(client, session):
    manche = DepartementFactory(code="50", nom="Manche")
    epci = EpciFactory(nom="Saint-Lô Agglo")
    saint_lo = CommuneFactory(departement=manche, epci=epci, nom="Saint-Lô")
    a = projet_carte(session, commune=saint_lo)
    projet_carte(session)  # Calvados
    par_dep = client.get(reverse("carte:liste"), {"departement": "50"})
    assert [p.pk for p in par_dep.context["projets"]] == [a.pk]
    par_epci = client.get(reverse("carte:liste"), {"epci": epci.code})
    assert [p.pk for p in par_epci.context["projets"]] == [a.pk]
    assert (epci.code, epci.nom) in par_epci.context["filtres"].fields["epci"].choices


def test_filtre_par_places_restantes(client, session):
    plein = projet_carte(session, places=2, nom="Presque plein")
    large = projet_carte(session, places=20, nom="Large")
    for _ in range(2):
        AffectationFactory(eleve__session=session, projet=plein, publiee=True)
    AffectationFactory(eleve__session=session, projet=large, publiee=False)  # pas encore public
    reponse = client.get(reverse("carte:liste"), {"places_min": "1"})
    projets = {p.pk: p.places_restantes for p in reponse.context["projets"]}
    assert projets == {large.pk: 20}


def test_filtre_invalide_ignore_sans_erreur(client, session):
    projet_carte(session)
    reponse = client.get(reverse("carte:liste"), {"places_min": "beaucoup"})
    assert reponse.status_code == 200
    assert len(reponse.context["projets"]) == 1


def test_htmx_ne_renvoie_que_la_liste(client, session):
    projet_carte(session, nom="Découverte htmx")
    reponse = client.get(reverse("carte:carte"), {"type": ""}, HTTP_HX_REQUEST="true")
    texte = reponse.content.decode()
    assert "Découverte htmx" in texte
    assert "<html" not in texte
    assert 'id="liste-projets"' in texte


def test_marqueurs_geojson_filtres(client, session):
    a = projet_carte(session, type="mono-site")
    projet_carte(session, type="mono-secteur")
    donnees = json.loads(client.get(reverse("carte:marqueurs"), {"type": "mono-site"}).content)
    assert donnees["type"] == "FeatureCollection"
    assert [f["properties"]["id"] for f in donnees["features"]] == [a.pk]
    assert donnees["features"][0]["geometry"]["coordinates"] == [a.longitude, a.latitude]
    assert donnees["features"][0]["properties"]["url"] == reverse("carte:fiche", args=[a.pk])


def test_contours_servis_depuis_la_base_et_mis_en_cache(client, django_assert_num_queries):
    DepartementFactory(code="14", nom="Calvados", contour=CONTOUR)
    CommuneFactory(
        nom="Caen", contour=CONTOUR, epci=EpciFactory(nom="Caen la Mer", contour=CONTOUR)
    )
    url = reverse("carte:contours", args=["epci"])
    donnees = json.loads(client.get(url).content)
    assert [f["properties"]["nom"] for f in donnees["features"]] == ["Caen la Mer"]
    assert donnees["features"][0]["geometry"]["type"] == "Polygon"
    with django_assert_num_queries(0):
        reponse = client.get(url)
    assert "max-age" in reponse["Cache-Control"]
    communes = json.loads(
        client.get(reverse("carte:contours", args=["communes"]), {"departement": "14"}).content
    )
    assert [f["properties"]["nom"] for f in communes["features"]] == ["Caen"]
    deps = json.loads(client.get(reverse("carte:contours", args=["departements"])).content)
    assert deps["features"][0]["properties"]["code"] == "14"


def test_contours_refuses_sans_departement_ou_niveau_inconnu(client):
    assert client.get(reverse("carte:contours", args=["communes"])).status_code == 404
    assert client.get(reverse("carte:contours", args=["regions"])).status_code == 404


def test_fiche_du_projet(client, session):
    projet = projet_carte(
        session,
        referent="Sam Animateur",
        lieu_rendez_vous="Gare routière",
        referent_telephone="02 31 00 00 00",
    )
    structure = projet.structures.get()
    groupe = GroupeFactory(projet=projet, libelle="Groupe A")
    CreneauFactory(groupe=groupe, structure=structure)
    reponse = client.get(reverse("carte:fiche", args=[projet.pk]))
    texte = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Sam Animateur" in texte
    assert "02 31 00 00 00" not in texte  # téléphone : réservé aux comptes connectés
    assert "Gare routière" in texte
    assert structure.nom in texte
    assert reponse.context["programme"]["lignes"] == [("Groupe A", [structure.nom])]


def test_fiche_d_un_brouillon_introuvable(client, session):
    brouillon = projet_carte(session, statut=Projet.Statut.BROUILLON)
    assert client.get(reverse("carte:fiche", args=[brouillon.pk])).status_code == 404
