"""Pas de devinette de mot de passe (django-axes), mots de passe longs, sessions qui expirent
après 2 h d'inactivité, adresse IP du client derrière les mandataires de confiance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.comptes.reseau import adresse_ip_client
from tests.apps.fabriques import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db

CONNEXION = reverse("comptes:connexion")
ADMIN = "/admin/login/"


def _essayer(client: Client, url: str, username: str, password: str, ip: str = "198.51.100.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _connecte(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", [CONNEXION, ADMIN])
def test_sixieme_tentative_refusee_pour_un_identifiant(url):
    compte = UtilisateurFactory(coordinateur=True, is_staff=True, is_superuser=True)
    client = Client()
    for i in range(4):
        reponse = _essayer(client, url, compte.username, f"faux-{i}", ip=f"198.51.100.{i + 1}")
        assert reponse.status_code == 200  # le formulaire, avec son erreur
    # 5e échec : la limite est atteinte, la page de blocage s'affiche.
    reponse = _essayer(client, url, compte.username, "faux-5", ip="198.51.100.9")
    assert reponse.status_code == 429
    # 6e tentative, depuis une autre adresse et avec le BON mot de passe : refusée.
    reponse = _essayer(client, url, compte.username, MOT_DE_PASSE, ip="203.0.113.50")
    assert reponse.status_code == 429
    assert not _connecte(client)
    contenu = reponse.content.decode()
    assert "Connexion bloquée pour 15 minutes" in contenu
    assert 'lang="fr"' in contenu and "Données personnelles" in contenu  # mise en page du site
    assert reponse["Retry-After"] == "900"


def test_sixieme_tentative_refusee_pour_une_adresse_ip():
    victime = UtilisateurFactory(porteur=True)
    client = Client()
    for i in range(5):
        _essayer(client, CONNEXION, f"inconnu-{i}", "faux", ip="192.0.2.77")
    reponse = _essayer(client, CONNEXION, victime.username, MOT_DE_PASSE, ip="192.0.2.77")
    assert reponse.status_code == 429
    assert not _connecte(client)
    # Une autre adresse, pour ce compte jamais essayé, passe.
    reponse = _essayer(client, CONNEXION, victime.username, MOT_DE_PASSE, ip="192.0.2.78")
    assert reponse.status_code == 302
    assert _connecte(client)


def test_quatre_echecs_puis_le_bon_mot_de_passe_passe():
    compte = UtilisateurFactory(porteur=True)
    client = Client()
    for _ in range(4):
        _essayer(client, CONNEXION, compte.username, "faux")
    assert _essayer(client, CONNEXION, compte.username, MOT_DE_PASSE).status_code == 302
    assert _connecte(client)


def test_le_blocage_dure_quinze_minutes():
    compte = UtilisateurFactory(porteur=True)
    client = Client()
    for _ in range(5):
        _essayer(client, CONNEXION, compte.username, "faux")
    assert _essayer(client, CONNEXION, compte.username, MOT_DE_PASSE).status_code == 429
    # 14 minutes après : toujours bloqué.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert _essayer(client, CONNEXION, compte.username, MOT_DE_PASSE).status_code == 429
    # 16 minutes après le dernier échec : les échecs sont oubliés.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert _essayer(client, CONNEXION, compte.username, MOT_DE_PASSE).status_code == 302
    assert _connecte(client)


def test_mot_de_passe_de_douze_caracteres_au_moins():
    compte = UtilisateurFactory.build(username="camille")
    with pytest.raises(ValidationError) as erreur:
        validate_password("Kx7#pQ2!zR9", compte)  # 11 caractères
    assert any(e.code == "password_too_short" for e in erreur.value.error_list)
    validate_password("Kx7#pQ2!zR9w", compte)  # 12 caractères


@pytest.mark.parametrize("role", ["coordinateur", "porteur", "structure", "etablissement"])
def test_session_expire_apres_deux_heures_sans_activite(monkeypatch, role):
    client = Client()
    client.force_login(UtilisateurFactory(**{role: True}))
    espace = reverse("comptes:espace")
    depart = timezone.now()

    def a(heures: int, minutes: int) -> str:
        moment = depart + timedelta(hours=heures, minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return client.get(espace).url

    # Chaque requête repousse l'échéance de 2 h : 1 h 50, puis 3 h 40, puis 5 h 30.
    for heures, minutes in ((1, 50), (3, 40), (5, 30)):
        assert not a(heures, minutes).startswith(CONNEXION)
    # 2 h 01 sans activité : le serveur ne reconnaît plus la session.
    assert a(7, 31).startswith(CONNEXION)


def _requete(remote: str, xff: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("nombre", "remote", "xff", "attendue"),
    [
        (0, "203.0.113.5", "1.2.3.4", "203.0.113.5"),  # sans mandataire : en-tête ignoré
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # 6.6.6.6 forgé par le client
        (2, "10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "10.0.0.2", "203.0.113.5", "203.0.113.5"),  # moins d'entrées que de mandataires
        (1, "10.0.0.2", None, "10.0.0.2"),  # requête arrivée sans l'en-tête
        (1, "10.0.0.2", "pas-une-adresse", "10.0.0.2"),
        (1, "10.0.0.2", " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_adresse_ip_client(settings, nombre, remote, xff, attendue):
    settings.NOMBRE_PROXYS_DE_CONFIANCE = nombre
    assert adresse_ip_client(_requete(remote, xff)) == attendue


def test_le_blocage_par_ip_suit_les_mandataires(settings):
    """Derrière un mandataire, l'IP forgée à gauche de X-Forwarded-For ne contourne rien."""
    settings.NOMBRE_PROXYS_DE_CONFIANCE = 1
    compte = UtilisateurFactory(porteur=True)
    client = Client()
    for i in range(5):
        client.post(
            CONNEXION,
            {"username": f"inconnu-{i}", "password": "faux"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 192.0.2.10",
        )
    reponse = client.post(
        CONNEXION,
        {"username": compte.username, "password": MOT_DE_PASSE},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="7.7.7.7, 192.0.2.10",
    )
    assert reponse.status_code == 429
