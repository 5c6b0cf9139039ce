"""Étape 3 : un porteur ne désigne comme porteur signataire qu'un porteur qu'il gère."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.apps.fabriques import PorteurFactory, ProjetFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def situation(session_active, porteur_user):
    """Le compte gère « CC du Bocage » ; « CC Voisine » est gérée par quelqu'un d'autre."""
    a_moi = PorteurFactory(nom="CC du Bocage", gestionnaires=[porteur_user])
    a_autrui = PorteurFactory(nom="CC Voisine", gestionnaires=[UtilisateurFactory(porteur=True)])
    projet = ProjetFactory(session=session_active, porteur=None, gestionnaires=[porteur_user])
    return projet, a_moi, a_autrui


def test_la_liste_ne_propose_que_les_porteurs_geres(client, porteur_user, situation):
    projet, a_moi, _ = situation
    client.force_login(porteur_user)
    reponse = client.get(reverse("projets:porteur", args=[projet.pk]))
    assert list(reponse.context["choix"].fields["porteur"].queryset) == [a_moi]
    page = reponse.content.decode()
    assert "CC du Bocage" in page
    assert "CC Voisine" not in page


def test_post_force_vers_un_porteur_non_gere_refuse(client, porteur_user, situation):
    projet, _, a_autrui = situation
    client.force_login(porteur_user)
    reponse = client.post(reverse("projets:porteur", args=[projet.pk]), {"porteur": a_autrui.pk})
    assert reponse.status_code == 200
    erreurs = reponse.context["choix"].errors["porteur"]
    assert erreurs == [
        "Vous ne pouvez désigner qu'un porteur dont vous êtes gestionnaire : choisissez-le "
        "dans la liste ou décrivez un nouveau porteur."
    ]
    assert "dont vous êtes gestionnaire" in reponse.content.decode()
    projet.refresh_from_db()
    assert projet.porteur_id is None


def test_porteur_gere_accepte(client, porteur_user, situation):
    projet, a_moi, _ = situation
    client.force_login(porteur_user)
    reponse = client.post(reverse("projets:porteur", args=[projet.pk]), {"porteur": a_moi.pk})
    assert reponse.status_code == 302
    projet.refresh_from_db()
    assert projet.porteur == a_moi


def test_le_porteur_deja_designe_reste_choisissable(client, porteur_user, situation):
    """Un porteur désigné par la coordination n'est pas retiré au renvoi du formulaire."""
    projet, a_moi, a_autrui = situation
    projet.porteur = a_autrui
    projet.save()
    client.force_login(porteur_user)
    reponse = client.get(reverse("projets:porteur", args=[projet.pk]))
    assert set(reponse.context["choix"].fields["porteur"].queryset) == {a_moi, a_autrui}
    reponse = client.post(reverse("projets:porteur", args=[projet.pk]), {"porteur": a_autrui.pk})
    assert reponse.status_code == 302


def test_nouveau_porteur_au_nom_existant_non_gere(client, porteur_user, situation):
    projet, _, _ = situation
    client.force_login(porteur_user)
    reponse = client.post(
        reverse("projets:porteur", args=[projet.pk]),
        {"porteur": "", "nouveau-nom": "cc voisine", "nouveau-type": "collectivite"},
    )
    assert reponse.status_code == 200
    assert "demandez à la coordination régionale" in reponse.context["nouveau"].errors["nom"][0]
    projet.refresh_from_db()
    assert projet.porteur_id is None


def test_la_coordination_peut_designer_tout_porteur(client, coordinateur, situation):
    projet, a_moi, a_autrui = situation
    client.force_login(coordinateur)
    reponse = client.get(reverse("projets:porteur", args=[projet.pk]))
    assert set(reponse.context["choix"].fields["porteur"].queryset) >= {a_moi, a_autrui}
