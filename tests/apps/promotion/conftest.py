"""Fixtures de la publication nationale : le serveur de test de l'API v2, une session de
trois projets publiés (Caen, vraie commune : code postal 14000) et un client rapide."""

from __future__ import annotations

import pytest

from apps.promotion.client import ClientUnEleveUnStage
from tests.apps.fabriques import (
    CommuneFactory,
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
)
from tests.apps.promotion.serveur_api import EtatApi, ServeurApi

URL_SITE = "https://stages.exemple.fr"


@pytest.fixture
def etat_api():
    return EtatApi()


@pytest.fixture
def serveur(etat_api):
    with ServeurApi(etat_api) as serveur:
        yield serveur


class Attentes(list):
    """Les attentes demandées par le client (secondes) : enregistrées, puis dormies pour de
    bon (au plus 0,05 s, sauf `reelles`) pour que le serveur voie le temps passer."""

    def __init__(self, reelles: bool = False) -> None:
        super().__init__()
        self.reelles = reelles

    def __call__(self, secondes: float) -> None:
        import time

        self.append(secondes)
        time.sleep(secondes if self.reelles else min(secondes, 0.05))


@pytest.fixture
def attentes():
    return Attentes()


@pytest.fixture
def fabrique_client(serveur, etat_api, attentes):
    clients = []

    def fabriquer(**options) -> ClientUnEleveUnStage:
        reglages = {"attente_base_s": 0.01, "attente_max_s": 0.1, "dormir": attentes}
        reglages.update(options)
        client = ClientUnEleveUnStage(
            serveur.url, etat_api.email, etat_api.mot_de_passe, **reglages
        )
        clients.append(client)
        return client

    yield fabriquer
    for client in clients:
        client.__exit__()


@pytest.fixture
def session_promo(db):
    session = SessionFactory()
    caen = CommuneFactory(code="14118", nom="Caen")
    projets = []
    for i, domaines in enumerate(("H", "J|H", "J")):
        structures = [
            StructureAccueilFactory(session=session, domaines=domaines, commune=caen)
            for _ in range(2)
        ]
        projets.append(
            ProjetFactory(
                session=session,
                identifiant=f"P0{i + 1}",
                nom=f"Découvrir les métiers {i + 1}",
                commune=caen,
                porteur=PorteurFactory(),
                structures=structures,
                referent="Ana Lopez",
                statut="publie",
                etape=5,
            )
        )
    return session, projets
