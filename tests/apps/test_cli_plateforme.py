"""Les commandes de la plateforme par `cli.main([...])` : import, export, serve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cli
from apps.campagnes.models import Session
from apps.etablissements.models import Eleve
from apps.planification.models import Voeu
from apps.projets.models import Projet
from tests.apps.conftest import COMMUNES_DOSSIER_MOTEUR, creer_communes
from tests.moteur.conftest import ELEVES_CSV, ecrire_dossier

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def communes(db) -> None:
    creer_communes(COMMUNES_DOSSIER_MOTEUR)


def test_construire_l_analyseur_ne_demarre_pas_django() -> None:
    script = (
        "import cli, sys\n"
        "analyseur = cli.construire_analyseur()\n"
        "from django.apps import apps\n"
        "assert not apps.ready, 'Django démarré à l import des commandes'\n"
        "assert {'import', 'export', 'demo', 'serve'} <= set(\n"
        "    analyseur._subparsers._group_actions[0].choices)\n"
    )
    resultat = subprocess.run(
        [sys.executable, "-c", script],
        cwd=RACINE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr


@pytest.mark.usefixtures("communes")
def test_import_puis_export(tmp_path: Path, capsys) -> None:
    dossier = ecrire_dossier(tmp_path / "entree")

    assert cli.main(["import", str(dossier), "--session", "Session CLI"]) == 0

    sortie = capsys.readouterr().out
    assert "Session CLI" in sortie and "10 élève(s)" in sortie
    session = Session.objects.get(nom="Session CLI")
    assert Eleve.objects.filter(session=session).count() == 10

    assert cli.main(["export", str(tmp_path / "sortie"), "--session", str(session.pk)]) == 0
    assert "exportée" in capsys.readouterr().out
    assert (tmp_path / "sortie" / "eleves.csv").read_text(encoding="utf-8").count("\n") == 11
    assert not (tmp_path / "sortie" / "identites.csv").exists()


@pytest.mark.usefixtures("communes")
def test_import_avec_statut_des_projets(tmp_path: Path) -> None:
    code = cli.main(["import", str(ecrire_dossier(tmp_path / "d")), "--statut-projets", "soumis"])

    assert code == 0
    assert set(Projet.objects.values_list("statut", flat=True)) == {Projet.Statut.SOUMIS}


@pytest.mark.usefixtures("communes")
def test_import_invalide_code_2_message_localise_rien_ecrit(tmp_path: Path, capsys) -> None:
    eleves = ELEVES_CSV.replace(
        "E07,0500017Z,2010-04-12,F,50475,,,P2", "E07,0500017Z,2010-04-12,F,50475,,,P9"
    )
    dossier = ecrire_dossier(tmp_path / "d", eleves=eleves)

    code = cli.main(["import", str(dossier)])

    assert code == 2
    erreur = capsys.readouterr().err
    assert "eleves.csv, ligne 8, colonne « voeux »" in erreur
    assert "Traceback" not in erreur
    assert Session.objects.count() == 0 and Voeu.objects.count() == 0


@pytest.mark.django_db
def test_import_d_un_dossier_absent(tmp_path: Path, capsys) -> None:
    assert cli.main(["import", str(tmp_path / "absent")]) == 2
    assert "dossier introuvable" in capsys.readouterr().err


@pytest.mark.django_db
def test_export_sans_session(tmp_path: Path, capsys) -> None:
    assert cli.main(["export", str(tmp_path / "sortie")]) == 2
    assert "aucune session" in capsys.readouterr().err
    assert cli.main(["export", str(tmp_path / "sortie"), "--session", "999"]) == 2
    assert "aucune session n° 999" in capsys.readouterr().err


@pytest.mark.django_db
def test_export_vers_un_fichier_existant(tmp_path: Path, capsys) -> None:
    Session.objects.create(nom="S", date_debut="2026-06-15", date_fin="2026-06-26")
    fichier = tmp_path / "fichier.txt"
    fichier.write_text("x", encoding="utf-8")

    assert cli.main(["export", str(fichier)]) == 2
    assert "n'est pas un dossier" in capsys.readouterr().err


@pytest.mark.django_db
def test_serve_lance_runserver(monkeypatch) -> None:
    appels = []
    monkeypatch.setattr(
        "django.core.management.call_command", lambda *args, **kwargs: appels.append((args, kwargs))
    )

    assert cli.main(["serve", "--port", "8123", "--sans-rechargement"]) == 0

    assert appels == [(("runserver", "127.0.0.1:8123"), {"use_reloader": False})]


def test_serve_refuse_un_port_invalide(capsys) -> None:
    with pytest.raises(SystemExit) as sortie:
        cli.main(["serve", "--port", "99999"])
    assert sortie.value.code == 2
    assert "entre 1 et 65535" in capsys.readouterr().err
