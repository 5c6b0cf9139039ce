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


@pytest.fixture(autouse=True)
def _cache_vide():
    """Chaque test part d'un cache vide : une page ou un calcul gardé en cache (carte,
    « Où recruter ? »…) ne survit pas d'un test, et de sa base, à l'autre ; sous xdist, le
    cache en mémoire vit aussi longtemps que le processus."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def navigateur():
    with chromium_debian() as chromium:
        yield chromium
