"""Ouvrir et configurer une session : coordination seulement."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from apps.campagnes.models import Session
from tests.apps.fabriques import MOT_DE_PASSE, SessionFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


def donnees(**autres):
    base = {
        "nom": "Stages 2027",
        "date_debut": "2027-06-14",
        "date_fin": "2027-06-25",
        "distance_max_km": "20",
        "statut": "voeux",
        "est_active": "on",
        "jours_feries_texte": "",
    }
    return base | autres


@pytest.mark.parametrize("role", ["porteur", "structure", "etablissement"])
def test_reserve_a_la_coordination(client, role):
    client.login(username=UtilisateurFactory(**{role: True}).username, password=MOT_DE_PASSE)
    assert client.get(reverse("campagnes:liste")).status_code == 403
    assert client.post(reverse("campagnes:ouvrir"), donnees()).status_code == 403
    assert not Session.objects.exists()


def test_ouvrir_une_session_desactive_les_autres(coordination):
    ancienne = SessionFactory(est_active=True)
    reponse = coordination.post(
        reverse("campagnes:ouvrir"), donnees(jours_feries_texte="2027-06-17, 2027-06-14")
    )
    assert reponse.status_code == 302
    nouvelle = Session.objects.get(nom="Stages 2027")
    assert nouvelle.jours_feries == ["2027-06-14", "2027-06-17"]
    assert len(nouvelle.jours_ouvres) == 8
    assert Session.objects.active() == nouvelle
    ancienne.refresh_from_db()
    assert not ancienne.est_active


def test_configurer_refuse_un_jour_ferie_hors_session(coordination):
    session = SessionFactory()
    url = reverse("campagnes:configurer", args=[session.pk])
    reponse = coordination.post(url, donnees(jours_feries_texte="2027-07-14"))
    assert reponse.status_code == 200
    assert "hors de la session" in reponse.content.decode()
    session.refresh_from_db()
    assert session.date_debut == date(2026, 6, 15)


def test_dates_inversees_refusees(coordination):
    reponse = coordination.post(
        reverse("campagnes:ouvrir"), donnees(date_debut="2027-06-25", date_fin="2027-06-14")
    )
    assert reponse.status_code == 200
    assert not Session.objects.exists()


def test_liste(coordination):
    SessionFactory(nom="Session A")
    reponse = coordination.get(reverse("campagnes:liste"))
    assert "Session A" in reponse.content.decode()
