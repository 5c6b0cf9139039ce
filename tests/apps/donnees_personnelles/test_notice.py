"""La notice « Données personnelles » : publique, complète, configurable, liée partout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.apps.fabriques import MOT_DE_PASSE, SessionFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

RUBRIQUES = (
    "Responsable du traitement",
    "Finalités",
    "Base légale",
    "mission d'intérêt public",
    "Catégories de données",
    "Destinataires, selon le rôle",
    "Durées de conservation",
    "Vos droits et comment les exercer",
    "Contact",
    "CNIL",
)


def test_la_notice_est_publique_et_complete(client):
    reponse = client.get(reverse("donnees_personnelles:notice"))
    assert reponse.status_code == 200
    texte = reponse.content.decode().replace("&#x27;", "'")
    for rubrique in RUBRIQUES:
        assert rubrique in texte, rubrique
    assert "12 mois après la fin de la session" in texte
    for role in ("Le lycée de l'élève", "coordination", "porteur", "structures d'accueil"):
        assert role in texte, role


def test_les_reglages_changent_la_notice(client, settings):
    settings.RGPD_RESPONSABLE = "Région Normandie"
    settings.RGPD_CONTACT = "rgpd@normandie.fr"
    settings.RGPD_CONTACT_DPO = "dpd@normandie.fr"
    settings.RETENTION_MOIS = 18
    texte = client.get(reverse("donnees_personnelles:notice")).content.decode()
    assert "Région Normandie" in texte
    assert 'href="mailto:rgpd@normandie.fr"' in texte
    assert 'href="mailto:dpd@normandie.fr"' in texte
    assert "18 mois après la fin de la session" in texte


def test_un_reglage_de_conservation_invalide_revient_au_defaut(client, settings):
    settings.RETENTION_MOIS = "douze"
    texte = client.get(reverse("donnees_personnelles:notice")).content.decode()
    assert "12 mois après la fin de la session" in texte


@pytest.mark.parametrize(
    "nom",
    [
        "ui:accueil",
        "carte:carte",
        "carte:liste",
        "comptes:connexion",
        "donnees_personnelles:notice",
    ],
)
def test_le_pied_de_page_publique_mene_a_la_notice(client, nom):
    SessionFactory()
    texte = client.get(reverse(nom)).content.decode()
    pied = texte[texte.index('<footer class="pied">') :]
    assert f'<a href="{reverse("donnees_personnelles:notice")}">Données personnelles</a>' in pied


@pytest.mark.parametrize("role", ["coordinateur", "porteur", "structure", "etablissement"])
def test_le_pied_de_page_des_espaces_connectes_aussi(client, role):
    SessionFactory()
    compte = UtilisateurFactory(**{role: True})
    client.login(username=compte.username, password=MOT_DE_PASSE)
    reponse = client.get(reverse("comptes:espace"), follow=True)
    assert reponse.status_code == 200
    assert reverse("donnees_personnelles:notice") in reponse.content.decode()
