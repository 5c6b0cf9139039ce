"""Chaque test de la carte part d'un cache vide : la version du référentiel (gardée 5 min)
et les réponses publiques en cache ne survivent pas d'un test (et de sa base) à l'autre."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _cache_de_la_carte_vide():
    cache.clear()
    yield
    cache.clear()
