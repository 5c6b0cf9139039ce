"""Recette : un lycée qui n'a pas encore donné le courriel de son chef d'établissement ne
bloque pas les conventions des autres (la démonstration s'arrêtait là pour tout le monde)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.conventions.models import Convention
from apps.etablissements.models import Eleve, Etablissement
from apps.projets.models import Porteur
from tests.apps.conventions.conftest import session_bd  # noqa: F401 (fixture)
from tests.apps.fabriques import EtablissementFactory, UtilisateurFactory


@pytest.mark.django_db
def test_synchronisation_genere_les_conventions_completes_et_liste_les_manques(
    session_bd,  # noqa: F811
    client,
) -> None:
    Porteur.objects.update(email="porteur@example.org")
    Etablissement.objects.update(email="chef@lycee.example")
    sans_courriel = EtablissementFactory(email="", nom="Lycée Sans Courriel")
    Eleve.objects.filter(identifiant="E2").update(etablissement=sans_courriel)
    client.force_login(UtilisateurFactory(coordinateur=True))

    page = client.post(reverse("conventions:synchroniser"), follow=True).content.decode()
    assert list(Convention.objects.values_list("eleve__identifiant", flat=True)) == ["E1"]
    assert "1 créée(s)" in page
    assert "1 convention(s) non générée(s)" in page
    assert f"Lycée Sans Courriel ({sans_courriel.uai})" in page

    Etablissement.objects.filter(pk=sans_courriel.pk).update(email="chef2@lycee.example")
    page = client.post(reverse("conventions:synchroniser"), follow=True).content.decode()
    assert Convention.objects.count() == 2
    assert "non générée" not in page
