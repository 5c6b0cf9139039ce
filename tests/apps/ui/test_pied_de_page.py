"""Le pied de chaque page dit la période de la session EN COURS (plus une date écrite en
dur) ; il suit l'ouverture de la saison suivante, sans requête de plus par page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from apps.campagnes.models import Session
from tests.apps.fabriques import SessionFactory

pytestmark = pytest.mark.django_db


def _pied(client) -> str:
    page = client.get(reverse("carte:carte")).content.decode()
    return page[page.index('<footer class="pied">') :]


def test_le_pied_suit_la_session_en_cours(client):
    ancienne = SessionFactory()
    assert "stages du 15 au 26 juin 2026" in _pied(client)

    ancienne.est_active = False
    ancienne.save(update_fields=["est_active"])
    SessionFactory(nom="Saison 2027", date_debut=date(2027, 6, 14), date_fin=date(2027, 6, 25))
    pied = _pied(client)
    assert "stages du 14 au 25 juin 2027" in pied
    assert "2026" not in pied


def test_sans_session_en_cours_le_pied_ne_dit_pas_de_date(client):
    assert Session.objects.active() is None
    pied = _pied(client)
    assert "stages du" not in pied
    assert "Données personnelles" in pied


def test_aucune_requete_de_plus_par_page(client, django_assert_num_queries):
    SessionFactory()
    client.get(reverse("carte:carte"))
    with django_assert_num_queries(0):
        from apps.ui.contexte import session_du_site

        assert session_du_site(None) == {"periode_des_stages": "du 15 au 26 juin 2026"}
