"""Outils du dépôt : dépendances bornées et verrouillées (empreintes), `make install` qui
installe le verrou, `make test` qui ne cache jamais un test de navigateur sauté."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.apps import navigateur

RACINE = Path(__file__).resolve().parents[1]
VERROU = RACINE / "requirements" / "verrou.txt"


def _nom(exigence: str) -> str:
    return re.split(r"[\s\[<>=!~;]", exigence, maxsplit=1)[0].lower().replace("_", "-")


def _exigences() -> list[str]:
    projet = tomllib.loads((RACINE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return projet["dependencies"] + projet["optional-dependencies"]["dev"]


def _verrou() -> dict[str, tuple[str, list[str]]]:
    """nom -> (version, empreintes) du fichier de verrouillage."""
    paquets: dict[str, tuple[str, list[str]]] = {}
    for bloc in re.split(r"\n(?=[A-Za-z0-9])", VERROU.read_text(encoding="utf-8")):
        entete = re.match(r"([A-Za-z0-9._-]+)==([^\s\\;]+)", bloc)
        if entete:
            empreintes = re.findall(r"--hash=sha256:([0-9a-f]{64})", bloc)
            paquets[entete.group(1).lower()] = (entete.group(2), empreintes)
    return paquets


def test_chaque_dependance_a_une_borne_haute():
    for exigence in _exigences():
        assert "<" in exigence or "==" in exigence, f"{exigence} : pas de borne haute"


def test_le_verrou_fixe_chaque_dependance_avec_ses_empreintes():
    paquets = _verrou()
    for exigence in _exigences():
        assert _nom(exigence) in paquets, f"{exigence} absent de {VERROU.name}"
    for nom in ("setuptools", "psycopg-binary"):  # construction, et l'extra [binary]
        assert nom in paquets
    for nom, (version, empreintes) in paquets.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+-]*", version), nom
        assert empreintes, f"{nom} sans empreinte"
    assert "--find-links" not in VERROU.read_text(encoding="utf-8")  # rien de propre à la machine


def _make_n(*cibles: str) -> str:
    resultat = subprocess.run(
        ["make", "-n", "-B", *cibles], cwd=RACINE, capture_output=True, text=True, timeout=60
    )
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout


def test_make_install_installe_le_verrou_avec_ses_empreintes():
    recette = _make_n("install")
    assert "pip install --quiet --require-hashes -r requirements/verrou.txt" in recette
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in recette


def test_make_verrou_regenere_avec_empreintes():
    recette = _make_n("verrou")
    assert "pip-compile" in recette and "--generate-hashes" in recette
    assert "--output-file requirements/verrou.txt pyproject.toml" in recette
    assert "--upgrade" in _make_n("verrou", "MISE_A_JOUR=1")


def test_make_test_liste_les_tests_sautes():
    lignes = [ligne for ligne in _make_n("test").splitlines() if "bin/pytest" in ligne]
    assert lignes and all(" -rs " in f"{ligne} " for ligne in lignes)


def test_make_test_s_arrete_sans_chromium_ni_apt(tmp_path):
    resultat = subprocess.run(
        [
            "make",
            "-s",
            "outils-de-test",
            f"CHROMIUM={tmp_path / 'chromium'}",
            f"APT_GET={tmp_path / 'apt-get'}",
        ],
        cwd=RACINE,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultat.returncode != 0
    assert "il manque chromium" in resultat.stderr
    assert "Lancez : sudo apt-get install -y chromium" in resultat.stderr


def test_make_test_installe_chromium_avec_apt(tmp_path):
    """En root avec apt : `apt-get install -y chromium` est lancé (apt factice ici)."""
    journal = tmp_path / "apt.log"
    chromium = tmp_path / "chromium"
    apt = tmp_path / "apt-get"
    apt.write_text(
        f'#!/bin/sh\necho "$@" >> {journal}\n'
        f'case "$1" in install) touch {chromium}; chmod +x {chromium};; esac\n'
    )
    apt.chmod(0o755)
    resultat = subprocess.run(
        ["make", "-s", "outils-de-test", f"CHROMIUM={chromium}", f"APT_GET={apt}"],
        cwd=RACINE,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() != "0":
        assert resultat.returncode != 0  # hors root : arrêt avec la commande
        return
    assert resultat.returncode == 0, resultat.stderr
    assert "install -y -qq chromium" in journal.read_text()


def test_sans_chromium_le_test_de_navigateur_echoue_au_lieu_de_sauter(monkeypatch, tmp_path):
    monkeypatch.setattr(navigateur, "CHROMIUM", str(tmp_path / "absent"))
    with pytest.raises(pytest.fail.Exception) as echec, navigateur.chromium_debian():
        pass  # pragma: no cover
    assert "apt-get install -y chromium" in str(echec.value)
    assert "ne sautent jamais" in str(echec.value)
