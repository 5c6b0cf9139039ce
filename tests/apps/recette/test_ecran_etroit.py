"""Recette : les grands tableaux défilent dans leur cadre (`.defilement`) au lieu d'élargir
la page sur un téléphone (390 px)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.projets.models import Projet
from tests.apps.fabriques import ProjetFactory, SessionFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def test_publication_nationale_tableau_dans_un_cadre_defilant(client):
    client.force_login(UtilisateurFactory(coordinateur=True))
    session = SessionFactory()
    ProjetFactory(session=session, statut=Projet.Statut.PUBLIE, nom="Projet large")
    html = client.get(reverse("promotion:tableau")).content.decode()
    assert "Projet large" in html
    cadre = html.index('class="defilement"')
    assert cadre < html.index("<table") < html.index("</table>") < html.index("</div>", cadre)
