"""Réglages de production qui échouent fermés (conf.settings.prod, conf/wsgi.py, conf/asgi.py).

Chaque démarrage est essayé dans un sous-processus, avec un environnement propre : les
réglages sont lus une fois par processus.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from conf.settings.verifications import (
    CLE_DE_DEVELOPPEMENT,
    CLES_PUBLIEES,
    cles_des_exemples,
    verifier_cle_secrete,
)

RACINE = Path(__file__).resolve().parents[1]
VARIABLES_RETIREES = ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DATABASE_URL")


def cle_solide() -> str:
    return secrets.token_urlsafe(64)


def variables_documentees() -> dict[str, str]:
    """Les variables de `.env.example` (lignes `NOM=valeur` non commentées)."""
    variables = {}
    for ligne in (RACINE / ".env.example").read_text(encoding="utf-8").splitlines():
        if ligne.strip() and not ligne.lstrip().startswith("#"):
            nom, _, valeur = ligne.partition("=")
            variables[nom.strip()] = valeur.strip()
    return variables


def lancer(code: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES_RETIREES}
    env.update(variables)
    return subprocess.run(
        [sys.executable, *code.split("\0")] if "\0" in code else [sys.executable, "-c", code],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


DEMARRER = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


@pytest.mark.parametrize(
    ("cle", "motif"),
    [
        (None, "absente ou vide"),
        ("", "absente ou vide"),
        ("x" * 49, "49 caractères"),
        (CLE_DE_DEVELOPPEMENT, "clé publiée dans le dépôt"),
        ("dev-seulement-a-changer-en-production", "50 caractères"),
        ("django-insecure-" + "a1b2c3" * 10, "trop prévisible"),
        ("ab" * 40, "trop prévisible"),
    ],
)
def test_cle_refusee(cle, motif):
    with pytest.raises(ImproperlyConfigured, match=motif):
        verifier_cle_secrete(cle, RACINE)


def test_cle_solide_acceptee():
    cle = cle_solide()
    assert verifier_cle_secrete(cle, RACINE) == cle


def test_cle_des_exemples_refusee(tmp_path):
    publiee = "exemple-" + "k" * 30 + "-0123456789abcdef"
    (tmp_path / ".env.example").write_text(f"# SECRET_KEY={publiee}\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="clé publiée"):
        verifier_cle_secrete(publiee, tmp_path)


def _cles_ecrites_dans_le_depot() -> set[str]:
    fichiers = subprocess.run(
        ["git", "ls-files"], cwd=RACINE, capture_output=True, text=True, check=True
    ).stdout.split()
    motifs = [
        re.compile(r"SECRET_KEY[\"']?\s*[:=,]\s*[\"']([^\"'\s]+)[\"']"),
        re.compile(r"^\s*#?\s*SECRET_KEY=([^\s#]+)", re.MULTILINE),
    ]
    cles = set()
    for nom in fichiers:
        chemin = RACINE / nom
        if chemin.suffix not in {".py", ".md", ".example", ".txt", ".toml", ".cfg", ""}:
            continue
        if not chemin.is_file():
            continue
        texte = chemin.read_text(encoding="utf-8", errors="ignore")
        for motif in motifs:
            cles.update(m.group(1) for m in motif.finditer(texte))
    return cles


def test_toute_cle_ecrite_dans_le_depot_est_refusee():
    cles = _cles_ecrites_dans_le_depot() | CLES_PUBLIEES | cles_des_exemples(RACINE)
    assert "dev-seulement-a-changer-en-production" in cles
    for cle in cles:
        with pytest.raises(ImproperlyConfigured):
            verifier_cle_secrete(cle, RACINE)


@pytest.mark.parametrize(
    ("variables", "motif"),
    [
        ({}, "SECRET_KEY est absente"),
        ({"SECRET_KEY": "trop-courte"}, "au moins 50"),
        ({"SECRET_KEY": CLE_DE_DEVELOPPEMENT}, "clé publiée dans le dépôt"),
        ({"DEBUG": "true"}, "DEBUG=true est refusé"),
        ({"NOMBRE_PROXYS_DE_CONFIANCE": "deux"}, "NOMBRE_PROXYS_DE_CONFIANCE"),
        ({"EMAIL_USE_SSL": "true", "EMAIL_USE_TLS": "true"}, "EMAIL_USE_TLS et EMAIL_USE_SSL"),
    ],
)
def test_la_production_refuse_de_demarrer(variables, motif):
    if "SECRET_KEY" not in variables and motif != "SECRET_KEY est absente":
        variables = {**variables, "SECRET_KEY": cle_solide()}
    resultat = lancer(DEMARRER, DJANGO_SETTINGS_MODULE="conf.settings.prod", **variables)
    assert resultat.returncode != 0
    assert "ImproperlyConfigured" in resultat.stderr
    assert motif in resultat.stderr


@pytest.mark.parametrize("module", ["conf.wsgi", "conf.asgi"])
def test_wsgi_et_asgi_prennent_la_production_par_defaut(module):
    refus = lancer(f"import {module}")
    assert refus.returncode != 0
    assert "SECRET_KEY est absente" in refus.stderr
    code = (
        f"import {module}; from django.conf import settings; "
        "print(settings.SETTINGS_MODULE, settings.DEBUG, settings.PRODUCTION)"
    )
    resultat = lancer(code, SECRET_KEY=cle_solide())
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.split() == ["conf.settings.prod", "False", "True"]


def test_manage_py_reste_en_developpement():
    lire = "from django.conf import settings; print(settings.SETTINGS_MODULE)"
    code = "\0".join(["manage.py", "shell", "--no-imports", "-c", lire])
    resultat = lancer(code)
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == "conf.settings.dev"


def test_courriel_smtp_avec_tls_par_defaut_en_production():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_PORT)"
    )
    resultat = lancer(code, DJANGO_SETTINGS_MODULE="conf.settings.prod", SECRET_KEY=cle_solide())
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "True",
        "False",
        "587",
    ]


def test_mandataires_de_confiance_en_production():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.NOMBRE_PROXYS_DE_CONFIANCE, s.SECURE_PROXY_SSL_HEADER)"
    )
    resultat = lancer(
        code,
        DJANGO_SETTINGS_MODULE="conf.settings.prod",
        SECRET_KEY=cle_solide(),
        NOMBRE_PROXYS_DE_CONFIANCE="1",
    )
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == "1 ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_check_deploy_sans_avertissement_avec_les_variables_documentees():
    variables = variables_documentees()
    assert variables["DJANGO_SETTINGS_MODULE"] == "conf.settings.prod"
    assert variables["SECRET_KEY"] == ""  # l'exemple n'en publie aucune
    for nom in ("NOMBRE_PROXYS_DE_CONFIANCE", "EMAIL_USE_TLS", "ALLOWED_HOSTS", "DEBUG"):
        assert nom in variables, nom
    variables["SECRET_KEY"] = cle_solide()
    resultat = lancer("manage.py\0check\0--deploy\0--fail-level\0WARNING", **variables)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout + resultat.stderr
    assert "WARNING" not in resultat.stderr


def test_check_deploy_refuse_l_exemple_tel_quel():
    """Sans clé (l'exemple n'en donne pas), même `check` ne démarre pas."""
    resultat = lancer("manage.py\0check\0--deploy", **variables_documentees())
    assert resultat.returncode != 0
    assert "SECRET_KEY est absente" in resultat.stderr
