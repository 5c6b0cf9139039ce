"""Fixtures communes aux tests de la plateforme."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from apps.territoires.models import Commune, Departement
from moteur import referentiel
from tests.apps.navigateur import chromium_debian

# Les communes du petit dossier de session du moteur (tests/moteur/conftest.py).
COMMUNES_DOSSIER_MOTEUR = ("14118", "14327", "14341", "50502", "50475", "50002")


def creer_communes(codes: Iterable[str]) -> None:
    """Met en base quelques communes du référentiel du moteur, sans recharger tout le
    référentiel (et leurs départements)."""
    for code in codes:
        ref = referentiel.commune(code)
        assert ref is not None, code
        Departement.objects.get_or_create(code=ref.departement, defaults={"nom": ref.departement})
        Commune.objects.create(
            code=code,
            nom=ref.nom,
            departement_id=ref.departement,
            population=ref.population,
            latitude=ref.point.latitude,
            longitude=ref.point.longitude,
        )


@pytest.fixture
def navigateur():
    with chromium_debian() as chromium:
        yield chromium
