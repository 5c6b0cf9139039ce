"""Une session en base (la petite session de tests/moteur/documents_exemple.py), son plan,
et ses conventions."""

from __future__ import annotations

import pytest

from apps.campagnes.models import Session
from apps.planification.adaptateurs import enregistrer_plan, enregistrer_session
from apps.territoires.models import Commune, Departement
from moteur import referentiel
from tests.moteur.documents_exemple import plan_exemple, session_exemple


@pytest.fixture
def session_bd(db) -> Session:
    Departement.objects.create(code="14", nom="Calvados")
    ref = referentiel.commune("14118")
    Commune.objects.create(
        code="14118",
        nom=ref.nom,
        departement_id="14",
        population=ref.population,
        latitude=ref.point.latitude,
        longitude=ref.point.longitude,
    )
    donnees = session_exemple()
    session = enregistrer_session(donnees)
    enregistrer_plan(session, plan_exemple(donnees))
    return session
