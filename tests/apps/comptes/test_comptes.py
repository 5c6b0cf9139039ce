"""Connexion, aiguillage par rôle, activation d'un compte invité, en-têtes de sécurité."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.comptes.acces import a_le_role, objet_ou_404, role_requis
from apps.comptes.invitations import compte_invite, envoyer_invitation
from apps.comptes.models import Role
from apps.projets.models import Projet
from tests.apps.fabriques import MOT_DE_PASSE, ProjetFactory, SessionFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "destination"),
    [("porteur", "/projets/"), ("coordinateur", "/projets/"), ("structure", "/structures/")],
)
def test_connexion_puis_espace_du_role(client, role, destination):
    utilisateur = UtilisateurFactory(role=role)
    reponse = client.post(
        reverse("comptes:connexion"), {"username": utilisateur.username, "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302
    reponse = client.get(reponse.url)
    assert reponse.url == destination


def test_mauvais_mot_de_passe(client):
    utilisateur = UtilisateurFactory()
    reponse = client.post(
        reverse("comptes:connexion"), {"username": utilisateur.username, "password": "faux"}
    )
    assert reponse.status_code == 200
    assert 'role="alert"' in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_connexion_exige_le_jeton_csrf():
    client = Client(enforce_csrf_checks=True)
    utilisateur = UtilisateurFactory()
    reponse = client.post(
        reverse("comptes:connexion"), {"username": utilisateur.username, "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 403


def test_deconnexion_en_post_seulement(client):
    client.force_login(UtilisateurFactory())
    assert client.get(reverse("comptes:deconnexion")).status_code == 405
    assert client.post(reverse("comptes:deconnexion")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_activation_d_un_compte_invite(client, rf):
    utilisateur, nouveau = compte_invite("Tuteur@Garage.fr", Role.STRUCTURE, "Garage")
    assert nouveau
    assert not utilisateur.has_usable_password()
    assert compte_invite("tuteur@garage.fr", Role.STRUCTURE) == (utilisateur, False)
    envoyer_invitation(rf.get("/"), utilisateur, "Garage Martin", "Le projet « Vire »")
    lien = re.search(r"http://testserver(/comptes/activer/\S+)", mail.outbox[0].body).group(1)
    page = client.get(lien, follow=True)
    assert "Choisir votre mot de passe" in page.content.decode()
    reponse = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else lien,
        {
            "new_password1": "Un-mot-de-passe-solide-2026",
            "new_password2": "Un-mot-de-passe-solide-2026",
        },
    )
    assert reponse.status_code == 302
    utilisateur.refresh_from_db()
    assert utilisateur.check_password("Un-mot-de-passe-solide-2026")
    assert "n'est plus valable" in client.get(lien, follow=True).content.decode()


def test_role_requis():
    vue = role_requis(Role.PORTEUR)(lambda request: HttpResponse("ok"))
    requete = RequestFactory().get("/")
    requete.user = AnonymousUser()
    assert vue(requete).status_code == 302
    requete.user = UtilisateurFactory(structure=True)
    with pytest.raises(PermissionDenied):
        vue(requete)
    requete.user = UtilisateurFactory(coordinateur=True)
    assert vue(requete).status_code == 200
    inactif = UtilisateurFactory(porteur=True, is_active=False)
    assert not a_le_role(inactif, Role.PORTEUR)


def test_objet_ou_404():
    projet = ProjetFactory()
    assert objet_ou_404(Projet.objects.all(), projet.pk) == projet
    for pk in (projet.pk + 1000, "abc"):
        with pytest.raises(Http404):
            objet_ou_404(Projet.objects.all(), pk)


def test_en_tetes_de_securite_et_csp(client):
    reponse = client.get(reverse("ui:accueil"))
    csp = reponse["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Referrer-Policy"] == "same-origin"


def test_gabarit_sans_script_inline_et_accessible(client):
    client.force_login(UtilisateurFactory(porteur=True))
    SessionFactory()
    contenu = client.get(reverse("projets:creer")).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", contenu) == []
    assert not re.search(r"<[^>]+\son(click|change|load|submit)=", contenu)
    assert 'href="#contenu"' in contenu
    assert 'lang="fr"' in contenu
    # Chaque champ visible a son libellé.
    for ident in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', contenu):
        assert f'for="{ident}"' in contenu, ident


def test_accueil_liste_les_projets_publies_de_la_session_active(client):
    active = SessionFactory()
    ancienne = SessionFactory(est_active=False)
    ProjetFactory(session=active, statut="publie", nom="Publié actif")
    ProjetFactory(session=active, statut="soumis", nom="Soumis actif")
    ProjetFactory(session=ancienne, statut="publie", nom="Publié ancien")
    contenu = client.get(reverse("ui:accueil")).content.decode()
    assert "Publié actif" in contenu
    assert "Soumis actif" not in contenu
    assert "Publié ancien" not in contenu


def test_accueil_nombre_de_requetes(client, django_assert_max_num_queries):
    session = SessionFactory()
    for _ in range(10):
        ProjetFactory(session=session, statut="publie")
    with django_assert_max_num_queries(3):
        assert client.get(reverse("ui:accueil")).status_code == 200
