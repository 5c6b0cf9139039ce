"""Accès par rôle et par objet, validation par la coordination, nombre de requêtes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.projets.models import Projet
from tests.apps.fabriques import (
    PorteurFactory,
    ProjetFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

PAGES = ["detail", "zone", "structures", "porteur", "programme", "soumission", "zone_geojson"]


@pytest.mark.parametrize("page", PAGES)
def test_un_porteur_ne_voit_que_ses_projets(client, projet_complet, page):
    projet_complet.statut = Projet.Statut.BROUILLON
    projet_complet.save()
    client.force_login(UtilisateurFactory(porteur=True))
    assert client.get(reverse(f"projets:{page}", args=[projet_complet.pk])).status_code == 404


@pytest.mark.parametrize("role", ["structure", "etablissement"])
@pytest.mark.parametrize("page", ["detail", "zone", "programme"])
def test_les_autres_roles_sont_refuses(client, projet_complet, role, page):
    client.force_login(UtilisateurFactory(role=role))
    assert client.get(reverse(f"projets:{page}", args=[projet_complet.pk])).status_code == 403
    assert client.get(reverse("projets:liste")).status_code == 403


def test_anonyme_renvoye_a_la_connexion(client, projet_complet):
    reponse = client.get(reverse("projets:detail", args=[projet_complet.pk]))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("comptes:connexion"))


def test_gestionnaire_du_porteur_voit_le_projet(client, projet_complet):
    utilisateur = UtilisateurFactory(porteur=True)
    projet_complet.porteur.gestionnaires.add(utilisateur)
    client.force_login(utilisateur)
    assert client.get(reverse("projets:detail", args=[projet_complet.pk])).status_code == 200


@pytest.mark.parametrize("action", ["valider", "renvoyer", "publier"])
def test_seule_la_coordination_decide(client, projet_complet, porteur_user, action):
    client.force_login(porteur_user)
    reponse = client.post(reverse(f"projets:{action}", args=[projet_complet.pk]), {"motif": "x"})
    assert reponse.status_code == 403
    projet_complet.refresh_from_db()
    assert projet_complet.statut == Projet.Statut.SOUMIS


def test_decisions_en_get_refusees(client, projet_complet, coordinateur):
    client.force_login(coordinateur)
    assert client.get(reverse("projets:valider", args=[projet_complet.pk])).status_code == 405


def test_coordination_valide_puis_publie(client, projet_complet, coordinateur):
    client.force_login(coordinateur)
    page = client.get(reverse("projets:detail", args=[projet_complet.pk])).content.decode()
    assert "Valider le projet" in page
    client.post(reverse("projets:valider", args=[projet_complet.pk]))
    projet_complet.refresh_from_db()
    assert projet_complet.statut == Projet.Statut.VALIDE
    assert projet_complet.valide_par == coordinateur
    client.post(reverse("projets:publier", args=[projet_complet.pk]))
    projet_complet.refresh_from_db()
    assert projet_complet.statut == Projet.Statut.PUBLIE
    accueil = client.get(reverse("ui:accueil")).content.decode()
    assert projet_complet.nom in accueil


def test_validation_refusee_tant_qu_un_point_bloque(client, projet_complet, coordinateur):
    projet_complet.referent = ""
    projet_complet.save()
    client.force_login(coordinateur)
    page = client.get(reverse("projets:detail", args=[projet_complet.pk])).content.decode()
    assert "Valider le projet" not in page
    assert "Aucun référent nommé" in page
    reponse = client.post(reverse("projets:valider", args=[projet_complet.pk]), follow=True)
    assert "Validation impossible" in reponse.content.decode()
    projet_complet.refresh_from_db()
    assert projet_complet.statut == Projet.Statut.SOUMIS


def test_renvoi_avec_motif_obligatoire(client, projet_complet, coordinateur, porteur_user):
    client.force_login(coordinateur)
    client.post(reverse("projets:renvoyer", args=[projet_complet.pk]), {"motif": "  "})
    projet_complet.refresh_from_db()
    assert projet_complet.statut == Projet.Statut.SOUMIS
    client.post(
        reverse("projets:renvoyer", args=[projet_complet.pk]),
        {"motif": "Précisez les horaires du garage."},
    )
    projet_complet.refresh_from_db()
    assert projet_complet.statut == Projet.Statut.RENVOYE
    client.force_login(porteur_user)
    page = client.get(reverse("projets:zone", args=[projet_complet.pk])).content.decode()
    assert "Précisez les horaires du garage." in page


def test_csrf_exige_sur_les_decisions(projet_complet, coordinateur):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinateur)
    reponse = client.post(reverse("projets:valider", args=[projet_complet.pk]))
    assert reponse.status_code == 403
    projet_complet.refresh_from_db()
    assert projet_complet.statut == Projet.Statut.SOUMIS


def _projets(session, nombre, gestionnaire):
    for _ in range(nombre):
        ProjetFactory(
            session=session,
            gestionnaires=[gestionnaire],
            structures=StructureAccueilFactory.create_batch(2, session=session),
        )


def test_liste_nombre_de_requetes_constant(
    client, session_active, porteur_user, coordinateur, django_assert_max_num_queries
):
    _projets(session_active, 3, porteur_user)
    client.force_login(porteur_user)
    # Session et compte, sessions du filtre, projets, écriture de la session : constant.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("projets:liste")).status_code == 200
    _projets(session_active, 12, porteur_user)
    with django_assert_max_num_queries(7):
        page = client.get(reverse("projets:liste"))
    assert page.content.decode().count("/projets/") >= 15
    client.force_login(coordinateur)
    with django_assert_max_num_queries(7):
        client.get(reverse("projets:liste") + "?statut=brouillon")


def test_liste_filtre_statut_et_perimetre(client, session_active, porteur_user):
    mien = ProjetFactory(session=session_active, gestionnaires=[porteur_user], nom="Le mien")
    ProjetFactory(session=session_active, nom="Celui d'un autre")
    ProjetFactory(
        session=session_active,
        porteur=PorteurFactory(gestionnaires=[porteur_user]),
        nom="Par mon porteur",
        statut="soumis",
    )
    client.force_login(porteur_user)
    page = client.get(reverse("projets:liste")).content.decode()
    assert mien.nom in page
    assert "Par mon porteur" in page
    assert "Celui d'un autre" not in page
    soumis = client.get(reverse("projets:liste") + "?statut=soumis").content.decode()
    assert "Par mon porteur" in soumis
    assert mien.nom not in soumis


def test_detail_nombre_de_requetes_borne(
    client, projet_complet, coordinateur, django_assert_max_num_queries
):
    client.force_login(coordinateur)
    client.post(reverse("projets:proposer", args=[projet_complet.pk]), {"eleves": "10"})
    with django_assert_max_num_queries(25):
        assert client.get(reverse("projets:detail", args=[projet_complet.pk])).status_code == 200


def test_detail_affiche_le_programme_en_lecture(client, projet_complet, coordinateur):
    client.force_login(coordinateur)
    client.post(reverse("projets:proposer", args=[projet_complet.pk]), {"eleves": "10"})
    contenu = client.get(reverse("projets:detail", args=[projet_complet.pk])).content.decode()
    noms = [s.nom for s in projet_complet.structures.all()]
    assert all(contenu.count(f"{nom}") >= 10 for nom in noms)  # une case par jour et groupe
    assert "<select" not in contenu
