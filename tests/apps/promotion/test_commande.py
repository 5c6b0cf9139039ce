"""`stages-collectifs publier` : envoi, seconde exécution, --dry-run, erreurs d'entrée."""

from __future__ import annotations

import json

import pytest

from cli import main
from tests.apps.promotion.conftest import URL_SITE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def environnement(monkeypatch, etat_api):
    monkeypatch.setenv("UN_ELEVE_UN_STAGE_EMAIL", etat_api.email)
    monkeypatch.setenv("UN_ELEVE_UN_STAGE_MOT_DE_PASSE", etat_api.mot_de_passe)
    monkeypatch.setenv("URL_PUBLIQUE_DU_SITE", URL_SITE)


def test_publier_puis_rien_a_refaire(session_promo, serveur, etat_api, environnement, capsys):
    session, _ = session_promo
    assert main(["publier", "--api", serveur.url, "--session", str(session.pk)]) == 0
    assert "3 offre(s) créée(s)" in capsys.readouterr().out
    assert main(["publier", "--api", serveur.url]) == 0
    assert "0 offre(s) créée(s), 0 mise(s) à jour, 3 inchangée(s)" in capsys.readouterr().out
    assert len(etat_api.offres) == 3


def test_sans_identifiants_code_2(session_promo, serveur, monkeypatch, capsys):
    monkeypatch.delenv("UN_ELEVE_UN_STAGE_EMAIL", raising=False)
    monkeypatch.delenv("UN_ELEVE_UN_STAGE_MOT_DE_PASSE", raising=False)
    assert main(["publier", "--api", serveur.url]) == 2
    assert "réglez UN_ELEVE_UN_STAGE_EMAIL" in capsys.readouterr().err


def test_session_inconnue_code_2(session_promo, serveur, environnement, capsys):
    assert main(["publier", "--api", serveur.url, "--session", "999999"]) == 2
    assert "--session 999999 : session inconnue" in capsys.readouterr().err


def test_adresse_invalide(capsys):
    with pytest.raises(SystemExit) as sortie:
        main(["publier", "--api", "ftp:/nulle-part"])
    assert sortie.value.code == 2
    assert "adresse invalide « ftp:/nulle-part »" in capsys.readouterr().err


def test_dry_run_sans_identifiants_ni_appel(session_promo, serveur, etat_api, tmp_path, capsys):
    assert main(["publier", "--api", serveur.url, "--dry-run", str(tmp_path / "sortie")]) == 0
    assert etat_api.journal == []
    fichiers = sorted(p.name for p in (tmp_path / "sortie").iterdir())
    assert len(fichiers) == 4
    charge = json.loads((tmp_path / "sortie" / fichiers[0]).read_text("utf-8"))
    assert set(charge["internship_offer"]) >= {"title", "description", "remote_id", "weeks"}
    assert "aucun appel à l'API" in capsys.readouterr().out
