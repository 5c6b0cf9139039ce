"""Le site parle français à tous les navigateurs, et `make run` (réglages de développement)
montre les pages d'erreur du site, pas celles de Django en anglais."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

RACINE = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_un_navigateur_regle_en_anglais_recoit_le_site_en_francais(client) -> None:
    reponse = client.get(
        reverse("donnees_personnelles:notice"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert reponse.status_code == 200
    assert reponse.headers["Content-Language"] == "fr"


def test_les_reglages_de_developpement_eteignent_debug_par_defaut() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env["DJANGO_SETTINGS_MODULE"] = "conf.settings.dev"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    sortie = subprocess.run(
        [sys.executable, "-c", code],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert sortie.stdout.strip() == "False"
    env["DEBUG"] = "true"
    sortie = subprocess.run(
        [sys.executable, "-c", code],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert sortie.stdout.strip() == "True"
