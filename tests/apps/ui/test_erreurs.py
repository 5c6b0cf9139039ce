"""Pages d'erreur françaises (400, 403, 404, 500) dans la mise en page du site, DEBUG=False."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path

from apps.ui.views import accueil
from conf.urls import urlpatterns as urls_du_site
from tests.apps.fabriques import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db


def _refus(request):
    raise PermissionDenied("Seul le lycée de l'élève peut ouvrir sa fiche.")


def _refus_muet(request):
    raise PermissionDenied


def _introuvable(request):
    raise Http404("Aucune session de stage n'est ouverte.")


def _suspect(request):
    raise SuspiciousOperation("en-tête Host forgé")


def _panne(request):
    raise RuntimeError("secret interne : mot de passe de la base")


urlpatterns = [
    path("essai/refus/", _refus),
    path("essai/refus-muet/", _refus_muet),
    path("essai/introuvable/", _introuvable),
    path("essai/suspect/", _suspect),
    path("essai/panne/", _panne),
    path("essai/accueil/", accueil),
    *urls_du_site,
]
handler400 = "apps.ui.views.erreur_400"
handler403 = "apps.ui.views.erreur_403"
handler404 = "apps.ui.views.erreur_404"


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def _page(reponse) -> str:
    texte = reponse.content.decode().replace("&#x27;", "'")
    assert '<html lang="fr">' in texte
    assert "Revenir à l'accueil" in texte
    assert "Traceback" not in texte and "Django" not in texte
    return texte


def test_404_adresse_inconnue(client):
    reponse = client.get("/nulle-part/")
    assert reponse.status_code == 404
    texte = _page(reponse)
    assert "Page introuvable (erreur 404)" in texte
    assert "Cette page n'existe pas ou ne vous est pas accessible." in texte
    assert "Resolver404" not in texte and "tried" not in texte
    assert 'class="pied"' in texte  # la mise en page du site


def test_404_avec_message(client):
    texte = _page(client.get("/essai/introuvable/"))
    assert "Aucune session de stage n'est ouverte." in texte


def test_403_affiche_le_message_du_refus(client):
    compte = UtilisateurFactory(porteur=True)
    client.login(username=compte.username, password=MOT_DE_PASSE)
    reponse = client.get("/essai/refus/")
    assert reponse.status_code == 403
    texte = _page(reponse)
    assert "Accès refusé (erreur 403)" in texte
    assert "Seul le lycée de l'élève peut ouvrir sa fiche." in texte
    assert "Aller à mon espace" in texte
    assert "Forbidden" not in texte


def test_403_sans_message(client):
    texte = _page(client.get("/essai/refus-muet/"))
    assert "Vous n'avez pas le droit d'ouvrir cette page." in texte
    assert "Se connecter" in texte


def test_403_d_une_vraie_vue_protegee(client):
    compte = UtilisateurFactory(structure=True)
    client.login(username=compte.username, password=MOT_DE_PASSE)
    reponse = client.get("/planification/")
    assert reponse.status_code == 403
    assert "Votre rôle ne donne pas accès à cette page." in _page(reponse)


def test_400(client):
    reponse = client.get("/essai/suspect/")
    assert reponse.status_code == 400
    texte = _page(reponse)
    assert "Requête invalide (erreur 400)" in texte
    assert "forgé" not in texte


def test_500_sans_trace_ni_contexte():
    client = Client(raise_request_exception=False)
    reponse = client.get("/essai/panne/")
    assert reponse.status_code == 500
    texte = _page(reponse)
    assert "Erreur du serveur (erreur 500)" in texte
    assert "secret interne" not in texte
    assert 'href="/donnees-personnelles/"' in texte


def test_500_se_rend_sans_aucun_contexte():
    texte = render_to_string("500.html")
    assert '<html lang="fr">' in texte and "Erreur du serveur" in texte


def test_refus_csrf_en_francais(client):
    strict = Client(enforce_csrf_checks=True)
    reponse = strict.post("/comptes/connexion/", {"username": "x", "password": "y"})
    assert reponse.status_code == 403
    texte = _page(reponse)
    assert "Formulaire expiré (erreur 403)" in texte
