"""Le journal des accès : lu par la coordination seule, paginé, filtrable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.journal.models import EntreeJournal
from apps.journal.services import Action, journaliser
from tests.apps.fabriques import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db
URL = reverse("donnees_personnelles:journal")


@pytest.fixture
def coordination(client):
    compte = UtilisateurFactory(coordinateur=True, username="coordo")
    client.login(username=compte.username, password=MOT_DE_PASSE)
    return client


@pytest.fixture
def entrees():
    lycee = UtilisateurFactory(etablissement=True, username="lycee-a")
    porteur = UtilisateurFactory(porteur=True, username="porteur-b")
    journaliser(lycee, Action.EXPORT, "données de l'élève E001 (JSON)")
    journaliser(porteur, Action.CONSULTATION, "convention de l'élève E002 (PDF)")
    ancienne = journaliser(lycee, Action.SUPPRESSION, "données de l'élève E003")
    EntreeJournal.objects.filter(pk=ancienne.pk).update(quand=timezone.now() - timedelta(days=40))


def _objets(reponse) -> list[str]:
    return [e.objet for e in reponse.context["page"].object_list]


@pytest.mark.parametrize("role", ["porteur", "structure", "etablissement"])
def test_refuse_aux_autres_roles(client, role):
    compte = UtilisateurFactory(**{role: True})
    client.login(username=compte.username, password=MOT_DE_PASSE)
    reponse = client.get(URL)
    assert reponse.status_code == 403
    assert "Votre rôle ne donne pas accès à cette page." in reponse.content.decode()


def test_anonyme_vers_la_connexion(client):
    assert client.get(URL).status_code == 302


def test_la_coordination_lit_tout(coordination, entrees):
    reponse = coordination.get(URL)
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "lycee-a" in texte and "porteur-b" in texte and "Export" in texte
    assert len(_objets(reponse)) == 3


def test_filtres_action_utilisateur_date(coordination, entrees):
    assert _objets(coordination.get(URL, {"action": "export"})) == [
        "données de l'élève E001 (JSON)"
    ]
    assert _objets(coordination.get(URL, {"utilisateur": "PORTEUR"})) == [
        "convention de l'élève E002 (PDF)"
    ]
    hier = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert len(_objets(coordination.get(URL, {"du": hier}))) == 2
    assert _objets(coordination.get(URL, {"au": hier})) == ["données de l'élève E003"]


def test_dates_incoherentes_signalees(coordination, entrees):
    reponse = coordination.get(URL, {"du": "2026-06-10", "au": "2026-06-01"})
    assert reponse.status_code == 200
    assert "La date de fin précède la date de début." in reponse.content.decode()
    reponse = coordination.get(URL, {"du": "10/13/2026"})
    assert "Saisissez une date valide." in reponse.content.decode()


def test_pagination_garde_les_filtres(coordination):
    compte = UtilisateurFactory(etablissement=True, username="lycee-p")
    for i in range(60):
        journaliser(compte, Action.CONSULTATION, f"fiche de l'élève E{i:03d}")
    premiere = coordination.get(URL, {"action": "consultation"})
    assert len(_objets(premiere)) == 50
    assert "action=consultation&amp;page=2" in premiere.content.decode()
    seconde = coordination.get(URL, {"action": "consultation", "page": 2})
    assert len(_objets(seconde)) == 10
    assert coordination.get(URL, {"page": "zzz"}).status_code == 200
