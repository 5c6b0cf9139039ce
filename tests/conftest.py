"""Configuration stricte des tests, à la manière de les-emplois :
- une variable de gabarit non définie fait échouer le test ;
- un queryset non ordonné revient mélangé, pour que personne ne dépende d'un ordre implicite.
"""

from __future__ import annotations

import random

import pytest


class VariableGabaritInvalide(str):
    """`string_if_invalid` qui lève une erreur au lieu d'afficher une chaîne vide."""

    def __mod__(self, autre: object) -> str:
        raise AssertionError(f"Variable de gabarit non définie : {autre!r}")

    def __contains__(self, element: object) -> bool:  # Django teste « %s » in string_if_invalid
        return element == "%s"


@pytest.fixture(autouse=True)
def _gabarits_stricts(settings):
    for moteur in settings.TEMPLATES:
        moteur.setdefault("OPTIONS", {})["string_if_invalid"] = VariableGabaritInvalide("%s")


@pytest.fixture(autouse=True)
def _querysets_non_ordonnes_melanges(monkeypatch):
    try:
        from django.db.models.query import QuerySet
    except ImportError:  # pragma: no cover - tests du moteur sans Django
        yield
        return

    iterer_original = QuerySet._fetch_all

    def _fetch_all(self):
        deja = self._result_cache is not None
        iterer_original(self)
        if (
            not deja
            and not self.ordered
            and self._result_cache
            and isinstance(self._result_cache, list)
        ):
            random.shuffle(self._result_cache)

    monkeypatch.setattr(QuerySet, "_fetch_all", _fetch_all)
    yield
