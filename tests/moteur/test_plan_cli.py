"""La commande `plan` de bout en bout : ce qu'elle écrit passe toujours `check`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cli import main
from moteur.format import lire_plan, lire_session
from moteur.regles import verifier


def _lignes(chemin: Path) -> list[dict[str, str]]:
    with chemin.open(encoding="utf-8", newline="") as fichier:
        return list(csv.DictReader(fichier))


@pytest.mark.parametrize("politique", ["stable", "optimal"])
def test_plan_ecrit_un_plan_que_check_accepte(dossier_valide, tmp_path, politique, capsys):
    sortie = tmp_path / "plan"
    assert (
        main(["plan", str(dossier_valide), "--out", str(sortie), "--policy", politique, "-q"]) == 0
    )
    affectations = _lignes(sortie / "affectations.csv")
    assert [a["eleve_id"] for a in affectations] == [f"E{i:02d}" for i in range(1, 11)]
    assert all(a["projet_id"] and a["groupe"] for a in affectations)
    planning = _lignes(sortie / "planning.csv")
    groupes = {(a["projet_id"], a["groupe"]) for a in affectations}
    assert len(planning) == 10 * len(groupes)
    assert "Rapport du planificateur" in (sortie / "rapport.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(dossier_valide), str(sortie)]) == 0
    assert "Plan valide" in capsys.readouterr().out


def test_plan_est_deterministe(dossier_valide, tmp_path):
    sorties = [tmp_path / "a", tmp_path / "b"]
    for sortie in sorties:
        assert main(["plan", str(dossier_valide), "--out", str(sortie), "--seed", "7", "-q"]) == 0
    for nom in ("affectations.csv", "planning.csv", "rapport.md"):
        assert (sorties[0] / nom).read_bytes() == (sorties[1] / nom).read_bytes(), nom


def test_eleve_sans_structure_a_son_age_n_est_pas_place_et_le_rapport_le_dit(
    fabrique_dossier, tmp_path
):
    # S1 n'accueille que 2 élèves par jour, S2 (15 ans) seulement la 2e semaine : E06
    # (14 ans) ne peut aller qu'en S1 ; les autres de P1 ne tiennent pas tous.
    structures = (
        "id,nom,domaines,commune_insee,accueil_max,jours,age_min\n"
        "S1,Atelier,H,14118,1,,16\n"
        "S2,Clinique,J,14327,8,,15\n"
        "S3,Supermarché,D,50502,10,,\n"
        "S4,EHPAD,K,50502,10,,\n"
    )
    dossier = fabrique_dossier(structures=structures)
    sortie = tmp_path / "plan"
    assert main(["plan", str(dossier), "--out", str(sortie), "-q"]) == 0
    session = lire_session(dossier)
    plan = lire_plan(sortie, session)
    assert verifier(session, plan) == []
    # E06 a 14 ans en juin 2026 : ni S1 (16 ans) ni S2 (15 ans) ne l'accueillent.
    assert plan.affectations["E06"].projet_id is None
    rapport = (sortie / "rapport.md").read_text(encoding="utf-8")
    assert "E06" in rapport


def test_plan_refuse_un_dossier_invalide_sans_rien_ecrire(fabrique_dossier, tmp_path, capsys):
    dossier = fabrique_dossier(eleves="id,uai,date_naissance,voeux\nE01,123,2010-01-01,P1\n")
    sortie = tmp_path / "plan"
    assert main(["plan", str(dossier), "--out", str(sortie), "-q"]) == 2
    erreur = capsys.readouterr().err
    assert "eleves.csv" in erreur
    assert "ligne 2" in erreur
    assert "uai" in erreur
    assert not sortie.exists()


@pytest.mark.parametrize("politique", ["stable", "optimal"])
def test_plan_identique_octet_pour_octet_avec_une_autre_graine_de_hachage(tmp_path, politique):
    """Deux processus (PYTHONHASHSEED différents : autre ordre des set de chaînes), un
    budget court pour que des composantes s'arrêtent sur la limite : mêmes fichiers."""
    import os
    import subprocess
    import sys

    from benchmarks.generateur import Taille, ecrire_dossier, generer

    racine = Path(__file__).resolve().parents[2]
    dossier = tmp_path / "session"
    ecrire_dossier(generer(Taille("petite", 1500, 24, ("14",)), 3), dossier)
    sorties = [tmp_path / "a", tmp_path / "b"]
    for graine_hachage, sortie in zip(("0", "31337"), sorties, strict=True):
        env = {**os.environ, "PYTHONHASHSEED": graine_hachage, "PYTHONPATH": str(racine)}
        commande = [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())"]
        options = ["--policy", politique, "--seed", "5", "--rotation-limite", "0.5", "-q"]
        subprocess.run(
            [*commande, "plan", str(dossier), "--out", str(sortie), *options],
            cwd=racine,
            env=env,
            capture_output=True,
            timeout=300,
            check=True,
        )
    assert len(_lignes(sorties[0] / "planning.csv")) > 200
    for nom in ("affectations.csv", "planning.csv", "rapport.md"):
        assert (sorties[0] / nom).read_bytes() == (sorties[1] / nom).read_bytes(), nom


def test_progression_hors_terminal_quelques_lignes_sans_retour_chariot(
    dossier_valide, tmp_path, capsys
):
    sortie = tmp_path / "plan"
    assert main(["plan", str(dossier_valide), "--out", str(sortie)]) == 0
    erreur = capsys.readouterr().err
    assert "\r" not in erreur
    lignes = [x for x in erreur.splitlines() if x.startswith("plan : ")]
    assert 3 <= len(lignes) <= 12, lignes
    assert lignes[-1] == "plan : Terminé (100 %)"
    entete = (sortie / "composantes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert entete == "projets,statut,objectif,borne,ecart_pct,raisons"


def test_progression_sur_un_terminal_barre_tqdm():
    import io

    from moteur.commandes.plan import Progression

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    flux = Terminal()
    with Progression(False, flux) as signaler:
        for i in range(5):
            signaler("Affectation des élèves", i / 4)
    assert "Affectation des élèves" in flux.getvalue() and "\r" in flux.getvalue()
    assert "plan : " not in flux.getvalue()
