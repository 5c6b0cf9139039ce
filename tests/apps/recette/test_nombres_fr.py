"""Recette : chiffres à la française sur les pages de la coordination (pas de « 50.0 % »)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.apps.carte.test_coordination import _session_avec_resultats
from tests.apps.fabriques import MOT_DE_PASSE, SessionFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

DECIMAL_ANGLAIS = re.compile(r"\b\d+\.\d+\s*%")


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


def test_tableau_de_bord_en_pourcentages_francais(coordination):
    _session_avec_resultats(SessionFactory(distance_max_km=25))
    texte = coordination.get(reverse("carte:tableau_de_bord")).content.decode()
    assert not DECIMAL_ANGLAIS.findall(texte)
    # Boursiers : 2 placés sur 2, autres : 1 sur 2 (total et ligne du département).
    assert texte.count("100,0\u00a0%") >= 2
    assert texte.count("50,0\u00a0%") >= 2


def test_message_de_publication_en_nombre_francais():
    from apps.planification.views import _eleves

    assert _eleves(2000) == "2\u202f000 élèves" or _eleves(2000) == "2\u00a0000 élèves"
    assert _eleves(1) == "1 élève"
