"""`stages-collectifs serve` lance aussi le travailleur des tâches de fond (db_worker) et
l'arrête avec le serveur."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.test import override_settings

import cli
from apps.ui.commandes import serve

RACINE = Path(__file__).resolve().parents[2]
FILE_EN_BASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Un faux travailleur bien réel : un processus qui attend qu'on l'arrête.
FAUX_TRAVAILLEUR = [sys.executable, "-c", "import time; time.sleep(600)"]


@pytest.fixture
def serveur_factice(monkeypatch):
    """Remplace runserver : note, pendant qu'il « sert », l'état du travailleur lancé."""
    vus = []

    def runserver(*args, **kwargs):
        processus = vus[0] if vus else None
        vus.append(("runserver", args, kwargs, processus and processus.poll()))

    lances = []

    def lancer(rechargement):
        processus = serve.subprocess.Popen(FAUX_TRAVAILLEUR, start_new_session=True)
        lances.append((processus, rechargement))
        vus.insert(0, processus)
        return processus

    monkeypatch.setattr("django.core.management.call_command", runserver)
    monkeypatch.setattr(serve, "lancer_travailleur", lancer)
    monkeypatch.delenv(serve.PROCESSUS_RELANCE, raising=False)
    return vus, lances


@pytest.mark.django_db
@override_settings(TASKS=FILE_EN_BASE)
def test_serve_lance_le_travailleur_puis_l_arrete(serveur_factice, capsys) -> None:
    vus, lances = serveur_factice

    assert cli.main(["serve", "--port", "8124", "--sans-rechargement"]) == 0

    assert len(lances) == 1
    processus, rechargement = lances[0]
    assert rechargement is False
    # Pendant que runserver tournait, le travailleur était vivant (poll() -> None)…
    assert vus[1] == ("runserver", ("runserver", "127.0.0.1:8124"), {"use_reloader": False}, None)
    # … et il est arrêté quand le serveur s'arrête.
    assert processus.poll() is not None
    sortie = capsys.readouterr().out
    assert "Travailleur des tâches de fond lancé" in sortie
    assert "Travailleur des tâches de fond arrêté" in sortie


@pytest.mark.django_db
@override_settings(TASKS=FILE_EN_BASE)
def test_le_travailleur_est_arrete_meme_si_le_serveur_echoue(serveur_factice, monkeypatch):
    _vus, lances = serveur_factice

    def echec(*_args, **_kwargs):
        raise OSError("port déjà pris")

    monkeypatch.setattr("django.core.management.call_command", echec)
    with pytest.raises(OSError, match="port déjà pris"):
        cli.main(["serve", "--port", "8125"])
    assert lances[0][1] is True  # rechargement du code : le travailleur aussi
    assert lances[0][0].poll() is not None


@pytest.mark.django_db
@override_settings(TASKS=FILE_EN_BASE)
def test_pas_de_second_travailleur_dans_le_processus_relance(serveur_factice, monkeypatch):
    _vus, lances = serveur_factice
    monkeypatch.setenv(serve.PROCESSUS_RELANCE, "true")
    assert cli.main(["serve", "--port", "8126"]) == 0
    assert lances == []


@pytest.mark.django_db
@override_settings(TASKS=FILE_EN_BASE)
def test_sans_travailleur_sur_demande(serveur_factice) -> None:
    _vus, lances = serveur_factice
    assert cli.main(["serve", "--port", "8127", "--sans-travailleur"]) == 0
    assert lances == []


@pytest.mark.django_db
def test_pas_de_travailleur_quand_les_taches_sont_immediates(serveur_factice) -> None:
    _vus, lances = serveur_factice
    assert not serve.taches_en_base()  # réglages de test : ImmediateBackend
    assert cli.main(["serve", "--port", "8128", "--sans-rechargement"]) == 0
    assert lances == []


@override_settings(TASKS=FILE_EN_BASE)
def test_la_commande_du_travailleur_est_db_worker() -> None:
    assert serve.taches_en_base()
    commande = serve.commande_travailleur(rechargement=False)
    assert commande[0] == sys.executable
    assert Path(commande[1]) == RACINE / "manage.py"
    assert commande[2:] == ["db_worker", "--no-reload"]
    assert get_commands()["db_worker"] == "django_tasks_db"


def test_arreter_un_vrai_processus() -> None:
    processus = serve.subprocess.Popen(FAUX_TRAVAILLEUR, start_new_session=True)
    serve.arreter_travailleur(processus)
    assert processus.poll() is not None
    serve.arreter_travailleur(processus)  # déjà arrêté : rien à faire
