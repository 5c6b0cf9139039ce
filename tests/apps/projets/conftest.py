import pytest

from tests.apps.fabriques import (
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)


@pytest.fixture
def session_active(db):
    return SessionFactory()


@pytest.fixture
def porteur_user(db):
    return UtilisateurFactory(porteur=True)


@pytest.fixture
def coordinateur(db):
    return UtilisateurFactory(coordinateur=True)


@pytest.fixture
def projet_complet(session_active, porteur_user):
    """Un projet prêt à valider : 2 structures proches de 5 places, porteur, référent."""
    structures = StructureAccueilFactory.create_batch(2, session=session_active)
    return ProjetFactory(
        session=session_active,
        porteur=PorteurFactory(),
        gestionnaires=[porteur_user],
        structures=structures,
        referent="Ana Lopez",
        referent_telephone="02 31 00 00 00",
        outil_pedagogique="Élève reporter",
        restitution_prevue=True,
        statut="soumis",
        etape=5,
    )
