"""Pas de démo en production : `stages-collectifs demo` sort avec le code 2 et ne crée aucun
compte sous conf.settings.prod ; les fonctions qui créent les comptes refusent aussi."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from apps.comptes.models import Utilisateur
from apps.planification import demo
from moteur.erreurs import ErreurUtilisateur
from tests.apps.fabriques import SessionFactory

RACINE = Path(__file__).resolve().parents[1]


def _lancer(arguments: list[str], **variables: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    env.update(variables)
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_demo_refusee_en_production_code_2_et_aucun_compte(tmp_path):
    base = tmp_path / "prod.sqlite3"
    url = f"sqlite:///{base}"
    # Une base de production déjà migrée (comme sur un vrai serveur).
    migration = _lancer(["manage.py", "migrate", "--noinput"], DATABASE_URL=url)
    assert migration.returncode == 0, migration.stderr
    resultat = _lancer(
        ["cli.py", "demo", "--eleves", "5"],
        DJANGO_SETTINGS_MODULE="conf.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=url,
        CACHE_DIR=str(tmp_path / "cache"),
    )
    assert resultat.returncode == 2, resultat.stdout + resultat.stderr
    assert "Erreur : la démonstration est refusée sous les réglages de production" in (
        resultat.stderr
    )
    assert "Traceback" not in resultat.stderr
    assert "demo-coordination" not in resultat.stdout  # aucun mot de passe affiché
    with sqlite3.connect(base) as connexion:
        (comptes,) = connexion.execute("SELECT count(*) FROM comptes_utilisateur").fetchone()
        (sessions,) = connexion.execute("SELECT count(*) FROM campagnes_session").fetchone()
    assert (comptes, sessions) == (0, 0)


@pytest.mark.django_db
def test_aucun_chemin_ne_cree_les_comptes_de_demo_en_production(settings):
    session = SessionFactory()
    avant = Utilisateur.objects.count()
    settings.PRODUCTION = True
    with pytest.raises(ErreurUtilisateur, match="refusée sous les réglages de production"):
        demo.charger_demo(nb_eleves=5)
    with pytest.raises(ErreurUtilisateur, match="refusée sous les réglages de production"):
        demo.creer_comptes_demo(session, reinitialiser=True)
    assert Utilisateur.objects.count() == avant
    assert not Utilisateur.objects.filter(username__in=demo.COMPTES_DEMO).exists()
