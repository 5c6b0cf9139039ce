"""Vues de la coordination : lancer, suivre (htmx), revoir et publier."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.campagnes.models import Session
from apps.planification.models import Affectation, Travail
from tests.apps.fabriques import MOT_DE_PASSE, SessionFactory, UtilisateurFactory
from tests.apps.planification.test_taches import session_planifiable

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


@pytest.mark.parametrize("role", ["porteur", "structure", "etablissement"])
def test_reserve_a_la_coordination(client, role):
    SessionFactory()
    client.login(username=UtilisateurFactory(**{role: True}).username, password=MOT_DE_PASSE)
    assert client.get(reverse("planification:travaux")).status_code == 403
    assert client.post(reverse("planification:lancer"), {"type": "affectation"}).status_code == 403
    assert client.post(reverse("planification:publier")).status_code == 403


def test_anonyme_renvoye_vers_la_connexion(client):
    SessionFactory()
    reponse = client.get(reverse("planification:travaux"))
    assert reponse.status_code == 302 and reverse("comptes:connexion") in reponse["Location"]


def test_lancer_suivre_revoir_publier(coordination):
    session, _ = session_planifiable()
    assert coordination.get(reverse("planification:travaux")).status_code == 200
    reponse = coordination.post(
        reverse("planification:lancer"),
        {"type": "affectation", "politique": "optimal", "graine": "3"},
    )
    travail = Travail.objects.get()
    assert reponse["Location"] == reverse("planification:travail", args=[travail.pk])
    assert travail.parametres == {"graine": 3, "politique": "optimal"}
    page = coordination.get(reponse["Location"])
    assert 'value="100"' in page.content.decode()
    partiel = coordination.get(reponse["Location"], HTTP_HX_REQUEST="true")
    texte = partiel.content.decode()
    assert "<html" not in texte and "<progress" in texte
    assert "hx-trigger" not in texte  # terminé : on cesse d'interroger le serveur
    resultats = coordination.get(reverse("planification:resultats"))
    assert resultats.context["resume"]["places"] == 5
    assert len(resultats.context["non_places"]) == 1
    coordination.post(reverse("planification:publier"))
    assert Affectation.objects.filter(publiee=False).count() == 0
    session.refresh_from_db()
    assert session.statut == Session.Statut.PUBLIEE


def test_un_travail_en_cours_interroge_le_serveur(coordination):
    session = SessionFactory()
    travail = Travail.objects.create(
        session=session,
        type=Travail.Type.AFFECTATION,
        etat=Travail.Etat.EN_COURS,
        progression=0.42,
        message="Affectation (stable)…",
    )
    texte = coordination.get(
        reverse("planification:travail", args=[travail.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in texte
    assert 'value="42"' in texte and "Affectation (stable)…" in texte


def test_pas_deux_travaux_en_meme_temps(coordination):
    session = SessionFactory()
    Travail.objects.create(
        session=session, type=Travail.Type.AFFECTATION, etat=Travail.Etat.EN_COURS
    )
    coordination.post(reverse("planification:lancer"), {"type": "programmes"})
    assert Travail.objects.count() == 1


def test_publier_sans_resultat(coordination):
    session = SessionFactory()
    coordination.post(reverse("planification:publier"))
    session.refresh_from_db()
    assert session.statut == Session.Statut.PREPARATION
