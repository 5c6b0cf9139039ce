"""Garde de django-axes pour les tests : `client.login()` de Django appelle authenticate()
sans requête, ce que `AxesStandaloneBackend` refuse (AxesBackendRequestParameterRequired).
Ces appels-là seuls passent ; toute connexion par une vraie requête reste comptée."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class AxesSaufClientDeTest(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
