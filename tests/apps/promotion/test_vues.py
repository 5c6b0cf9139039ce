"""Page de la coordination : accès, état par projet, bouton « publier / mettre à jour tout »
(tâche de fond immédiate en test) contre le serveur de test de l'API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.promotion.models import EnvoiNational, PublicationNationale
from tests.apps.fabriques import MOT_DE_PASSE, UtilisateurFactory
from tests.apps.promotion.conftest import URL_SITE

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.apps.promotion.urls")]


@pytest.fixture
def reglages_api(settings, serveur, etat_api):
    settings.UN_ELEVE_UN_STAGE_API = serveur.url
    settings.UN_ELEVE_UN_STAGE_EMAIL = etat_api.email
    settings.UN_ELEVE_UN_STAGE_MOT_DE_PASSE = etat_api.mot_de_passe
    settings.URL_PUBLIQUE_DU_SITE = URL_SITE
    return settings


@pytest.fixture
def coordination(client):
    compte = UtilisateurFactory(coordinateur=True)
    client.login(username=compte.username, password=MOT_DE_PASSE)
    return client


def test_anonyme_renvoye_vers_la_connexion(client, session_promo):
    reponse = client.get(reverse("promotion:tableau"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("comptes:connexion"))
    assert client.post(reverse("promotion:publier")).status_code == 302
    assert not EnvoiNational.objects.exists()


@pytest.mark.parametrize("role", ["porteur", "structure", "etablissement"])
def test_autre_role_refuse_403(client, session_promo, role):
    compte = UtilisateurFactory(**{role: True})
    client.login(username=compte.username, password=MOT_DE_PASSE)
    assert client.get(reverse("promotion:tableau")).status_code == 403
    assert client.post(reverse("promotion:publier")).status_code == 403
    assert not EnvoiNational.objects.exists()


def test_sans_reglages_le_bouton_explique_quoi_regler(coordination, session_promo, monkeypatch):
    for suffixe in ("API", "EMAIL", "MOT_DE_PASSE"):
        monkeypatch.delenv(f"UN_ELEVE_UN_STAGE_{suffixe}", raising=False)
    page = coordination.get(reverse("promotion:tableau")).content.decode()
    assert "Publication nationale non configurée" in page
    assert "UN_ELEVE_UN_STAGE_MOT_DE_PASSE" in page
    reponse = coordination.post(reverse("promotion:publier"), follow=True)
    assert "réglez UN_ELEVE_UN_STAGE_API" in reponse.content.decode()
    assert not EnvoiNational.objects.exists()


def test_publier_tout_puis_etat_par_projet(coordination, session_promo, reglages_api, etat_api):
    page = coordination.get(reverse("promotion:tableau")).content.decode()
    assert "Découvrir les métiers 1" in page and "Non" in page

    reponse = coordination.post(reverse("promotion:publier"), follow=True)

    contenu = reponse.content.decode()
    assert "Envoi terminé. 3 offre(s) créée(s)" in contenu
    assert len(etat_api.offres) == 3
    envoi = EnvoiNational.objects.get()
    assert envoi.statut == EnvoiNational.Statut.TERMINE and envoi.termine_le is not None
    assert PublicationNationale.objects.filter(publiee=True).count() == 3
    assert contenu.count("<td>Oui</td>") == 3
    # Les identifiants ne sont jamais en base ni dans la page.
    assert etat_api.mot_de_passe not in contenu
    assert etat_api.mot_de_passe not in envoi.resume


def test_derniere_erreur_affichee(coordination, session_promo, reglages_api, etat_api):
    _, projets = session_promo
    projets[0].porteur.nom = "Porteur " + "x" * 150
    projets[0].porteur.save()

    reponse = coordination.post(reverse("promotion:publier"), follow=True)

    contenu = reponse.content.decode()
    assert "Envoi terminé." in contenu and "1 refusée(s)" in contenu
    assert "champ « nom du porteur » (employer_name)" in contenu
    assert EnvoiNational.objects.get().statut == EnvoiNational.Statut.TERMINE


def test_identifiants_refuses_envoi_en_echec_message_clair(
    coordination, session_promo, reglages_api
):
    reglages_api.UN_ELEVE_UN_STAGE_MOT_DE_PASSE = "faux-mot-de-passe"
    reponse = coordination.post(reverse("promotion:publier"), follow=True)
    assert "Envoi en échec. Envoi impossible : connexion à 1 élève, 1 stage refusée" in (
        reponse.content.decode()
    )
    assert EnvoiNational.objects.get().statut == EnvoiNational.Statut.ECHEC
