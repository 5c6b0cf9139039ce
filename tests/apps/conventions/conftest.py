"""Une session en base (la petite session de tests/moteur/documents_exemple.py), son plan,
et ses conventions."""

from __future__ import annotations

import pytest

from apps.campagnes.models import Session
from apps.planification.enregistrement_plan import enregistrer_plan
from apps.planification.enregistrement_session import enregistrer_session
from tests.apps.conftest import creer_communes
from tests.moteur.documents_exemple import plan_exemple, session_exemple


@pytest.fixture
def session_bd(db) -> Session:
    creer_communes(["14118"])
    donnees = session_exemple()
    session = enregistrer_session(donnees)
    enregistrer_plan(session, plan_exemple(donnees))
    return session
