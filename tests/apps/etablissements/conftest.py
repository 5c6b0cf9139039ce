"""Fixtures communes de l'espace des établissements : session ouverte aux vœux, compte
d'établissement connecté, son lycée, un autre lycée et trois projets publiés."""

from __future__ import annotations

import pytest

from apps.campagnes.models import Session
from apps.projets.models import Projet
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    EtablissementFactory,
    ProjetFactory,
    SessionFactory,
    UtilisateurFactory,
)


@pytest.fixture
def session():
    return SessionFactory(statut=Session.Statut.VOEUX)


@pytest.fixture
def compte():
    return UtilisateurFactory(etablissement=True)


@pytest.fixture
def lycee(compte):
    return EtablissementFactory(uai="0141555P", nom="Lycée Malherbe", gestionnaires=[compte])


@pytest.fixture
def autre_lycee():
    return EtablissementFactory(uai="0500001A", nom="Lycée d'ailleurs")


@pytest.fixture
def projets(session):
    return [
        ProjetFactory(session=session, identifiant=i, statut=Projet.Statut.PUBLIE)
        for i in ("P01", "P02", "P03")
    ]


@pytest.fixture
def connecte(client, compte):
    client.login(username=compte.username, password=MOT_DE_PASSE)
    return client
