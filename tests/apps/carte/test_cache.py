"""Réponses publiques de la carte rejouées depuis le cache (visiteurs anonymes) : gzip
précalculé, ETag / Last-Modified, en-têtes de sécurité conservés, jamais pour un compte."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.carte.cache import CLE_VERSION, version_carte
from apps.planification.models import Affectation
from apps.projets.models import Projet
from tests.apps.fabriques import (
    AffectationFactory,
    CommuneFactory,
    EleveFactory,
    EpciFactory,
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
def projet():
    session = SessionFactory()
    structure = StructureAccueilFactory(session=session)
    return ProjetFactory(
        session=session, statut=Projet.Statut.PUBLIE, structures=[structure], nom="Vire multi"
    )


@pytest.mark.parametrize("nom_url", ["carte:carte", "carte:liste", "carte:marqueurs"])
def test_gzip_precalcule_et_en_tetes_conserves(client, projet, django_assert_num_queries, nom_url):
    url = reverse(nom_url)
    clair = client.get(url)
    assert clair.status_code == 200
    assert "Content-Encoding" not in clair
    with django_assert_num_queries(0):
        compresse = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compresse["Content-Encoding"] == "gzip"
    assert gzip.decompress(compresse.content) == clair.content
    for reponse in (clair, compresse):
        assert "script-src 'self'" in reponse["Content-Security-Policy"]
        assert reponse["X-Content-Type-Options"] == "nosniff"
        assert reponse["X-Frame-Options"] == "DENY"
        assert reponse["Cache-Control"] == "no-cache"
        assert {"Cookie", "HX-Request", "Accept-Encoding"} <= {
            v.strip() for v in reponse["Vary"].split(",")
        }
        assert not reponse.cookies
    assert clair["ETag"] == compresse["ETag"]


def test_etag_et_last_modified_donnent_304(client, projet):
    url = reverse("carte:carte")
    premiere = client.get(url)
    etag, date = premiere["ETag"], premiere["Last-Modified"]
    reponse = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert reponse.status_code == 304 and reponse.content == b""
    assert reponse["ETag"] == etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=date).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200


def test_une_modification_change_la_page_et_son_etag(client, projet):
    url = reverse("carte:liste")
    avant = client.get(url)
    projet.nom = "Vire : industrie et santé"
    projet.save()
    apres = client.get(url, HTTP_IF_NONE_MATCH=avant["ETag"])
    assert apres.status_code == 200
    assert "Vire : industrie et santé" in apres.content.decode()
    assert apres["ETag"] != avant["ETag"]


def test_htmx_et_page_complete_ne_partagent_pas_leur_entree(client, projet):
    complete = client.get(reverse("carte:carte")).content.decode()
    fragment = client.get(reverse("carte:carte"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in complete
    assert "<html" not in fragment


def test_un_compte_connecte_n_est_ni_servi_ni_enregistre(client, projet):
    client.force_login(UtilisateurFactory())
    connecte = client.get(reverse("carte:carte"))
    assert "Se déconnecter" in connecte.content.decode()
    assert "ETag" not in connecte
    client.logout()
    client.cookies.clear()
    anonyme = client.get(reverse("carte:carte")).content.decode()
    assert "Se déconnecter" not in anonyme


def test_contours_publics_avec_etag_et_version_du_referentiel(client):
    epci = EpciFactory(nom="Caen la Mer", contour=CONTOUR)
    CommuneFactory(nom="Caen", contour=CONTOUR, epci=epci)
    url = reverse("carte:contours", args=["epci"])
    premiere = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert premiere["Cache-Control"] == "public, max-age=3600"
    assert premiere["Content-Type"] == "application/geo+json"
    assert premiere["Last-Modified"]
    donnees = json.loads(gzip.decompress(premiere.content))
    assert [f["properties"]["nom"] for f in donnees["features"]] == ["Caen la Mer"]
    assert client.get(url, HTTP_IF_NONE_MATCH=premiere["ETag"]).status_code == 304
    # Rechargement du référentiel : la version (nombre et taille des contours) change.
    nouvel = EpciFactory(nom="Pré-Bocage Intercom", contour=CONTOUR)
    CommuneFactory(nom="Aunay", contour=CONTOUR, epci=nouvel)
    cache.delete("carte:version-referentiel")  # sinon relue au plus tard après 5 min
    apres = client.get(url)
    assert apres.status_code == 200
    assert apres["ETag"] != premiere["ETag"]
    assert "Pré-Bocage Intercom" in apres.content.decode()


def test_les_erreurs_ne_sont_pas_gardees(client):
    url = reverse("carte:fiche", args=[999_999])
    assert client.get(url).status_code == 404
    assert "ETag" not in client.get(url)


def _republier(session, projet) -> None:
    """Comme `publier` après un nouveau calcul : les affectations sont supprimées puis
    recréées (`bulk_create`, sans signal) et marquées publiées (`update`, sans signal)."""
    eleves = [a.eleve for a in Affectation.objects.filter(eleve__session=session)]
    Affectation.objects.filter(eleve__session=session).delete()
    Affectation.objects.bulk_create(Affectation(eleve=e, projet=projet, rang=1) for e in eleves)
    Affectation.objects.filter(eleve__session=session).update(publiee=True)


def test_republier_autant_de_resultats_change_la_version_et_la_page(client):
    session = SessionFactory()
    vire, flers = (
        ProjetFactory(session=session, statut=Projet.Statut.PUBLIE, nom=nom, places=10)
        for nom in ("Vire multi", "Flers industrie")
    )
    for eleve in EleveFactory.create_batch(2, session=session):
        AffectationFactory(eleve=eleve, projet=vire, publiee=True)
    avant = version_carte(session)
    url = reverse("carte:liste")
    page = client.get(url).content.decode()
    assert _restantes(page, "Vire multi") == "8 places restantes"
    assert _restantes(page, "Flers industrie") == "10 places restantes"

    _republier(session, flers)
    # Même nombre d'affectations publiées, mêmes projets : seule la recréation le dit.
    assert Affectation.objects.filter(eleve__session=session, publiee=True).count() == 2
    assert version_carte(session) != avant
    cache.delete(CLE_VERSION)  # la version gardée 2 s a expiré
    page = client.get(url).content.decode()
    assert _restantes(page, "Vire multi") == "10 places restantes"
    assert _restantes(page, "Flers industrie") == "8 places restantes"


def _restantes(page: str, nom: str) -> str:
    """Le texte de la pastille « n places restantes » qui suit le nom du projet."""
    debut = page.index(nom)
    fin = page.index("restantes", debut) + len("restantes")
    return page[page.rindex(">", debut, fin) + 1 : fin]
