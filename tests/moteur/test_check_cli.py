"""`stages-collectifs check IN_DIR PLAN_DIR` : codes de sortie et messages."""

from __future__ import annotations

from datetime import date

import pytest

import cli
from moteur.format import ecrire_plan
from moteur.modele import Affectation, LignePlanning, Plan
from tests.moteur.conftest import ELEVES_CSV, plan_correct


def lancer(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["check", *map(str, args)])
    sortie = capsys.readouterr()
    return code, sortie.out, sortie.err


def test_plan_correct_accepte(capsys, dossier_valide, session_valide, tmp_path):
    ecrire_plan(plan_correct(), session_valide, tmp_path / "plan")
    code, out, _ = lancer(capsys, dossier_valide, tmp_path / "plan")
    assert code == 0
    assert "Plan valide" in out
    assert "10 élèves, 10 placés" in out


def _plan_a_six_violations(session) -> Plan:
    plan = plan_correct()
    plan.affectations["E07"] = Affectation("E07", "P1", 1, "B")  # 1 (hors vœux) et 6 (distance)
    plan.affectations["E08"] = Affectation("E08", "P1", 2, "A")  # 6 et 2 (P1 : 8 pour 6)
    plan.affectations["E06"].groupe = "A"  # 5 : 14 ans à S2
    plan.affectations["E07"].groupe = "A"
    plan.planning = [x for x in plan.planning if x.groupe != "B"]
    plan.planning = [x for x in plan.planning if x.date != date(2026, 6, 15)]
    plan.planning = [x for x in plan.planning if (x.projet_id, x.date) != ("P2", date(2026, 6, 16))]
    plan.planning.append(LignePlanning("P1", "A", date(2026, 6, 15), "S2"))  # 4 : hors jours
    plan.planning.append(LignePlanning("P2", "A", date(2026, 6, 15), "S4"))  # 4 : jours_max
    # 3 : plus rien pour P2 le 16
    return plan


@pytest.mark.parametrize("regle", [1, 2, 3, 4, 5, 6])
def test_chaque_regle_plantee_est_trouvee(capsys, dossier_valide, session_valide, tmp_path, regle):
    ecrire_plan(_plan_a_six_violations(session_valide), session_valide, tmp_path / "plan")
    code, out, _ = lancer(capsys, dossier_valide, tmp_path / "plan")
    assert code == 1
    lignes = out.splitlines()
    assert any(ligne.startswith(f"Règle {regle} (") for ligne in lignes)
    assert lignes[-1].startswith("Plan invalide : ")
    assert f"règle {regle} (" in lignes[-1]


def test_messages_precis(capsys, dossier_valide, session_valide, tmp_path):
    ecrire_plan(_plan_a_six_violations(session_valide), session_valide, tmp_path / "plan")
    _, out, _ = lancer(capsys, dossier_valide, tmp_path / "plan")
    assert "l'élève E07 est placé sur le projet P1, qui n'est pas dans ses vœux (P2)" in out
    assert "le projet P1 « Industrie et santé à Caen » compte 8 élèves pour 6 places" in out
    assert "projet P2, groupe « A » : aucune structure le mardi 2026-06-16" in out
    assert "structure S4 « EHPAD de Saint-Lô » : accueille 6 jours distincts" in out
    assert "l'élève E06 (14 ans le 2026-06-15) est à la structure S2 qui demande 15 ans" in out
    assert "l'élève E08 est placé sur le projet P1 à 54,57 km" in out


def test_groupe_sans_planning_regle_3(capsys, dossier_valide, session_valide, tmp_path):
    plan = plan_correct()
    plan.planning = [x for x in plan.planning if x.date != date(2026, 6, 26)]
    ecrire_plan(plan, session_valide, tmp_path / "plan")
    code, out, _ = lancer(capsys, dossier_valide, tmp_path / "plan")
    assert code == 1
    assert out.count("aucune structure le vendredi 2026-06-26") == 3


def test_entree_invalide_code_2(capsys, fabrique_dossier, session_valide, tmp_path):
    dossier = fabrique_dossier(eleves=ELEVES_CSV.replace("E04,0141555P", "E04,014155P"))
    ecrire_plan(plan_correct(), session_valide, tmp_path / "plan")
    code, out, err = lancer(capsys, dossier, tmp_path / "plan")
    assert code == 2
    assert out == ""
    assert "eleves.csv, ligne 5, colonne « uai »" in err
    assert "Traceback" not in err


def test_plan_invalide_code_2(capsys, dossier_valide, tmp_path):
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "affectations.csv").write_text("eleve_id,projet_id\nE01,P7\n")
    (tmp_path / "plan" / "planning.csv").write_text("projet_id,groupe,date,structure_id\n")
    code, _, err = lancer(capsys, dossier_valide, tmp_path / "plan")
    assert code == 2
    assert "affectations.csv, ligne 2, colonne « projet_id »" in err


def test_dossier_absent_code_2(capsys, tmp_path):
    code, _, err = lancer(capsys, tmp_path / "absent", tmp_path / "plan")
    assert code == 2
    assert "introuvable" in err


def test_avertissements_sur_la_sortie_d_erreur(capsys, fabrique_dossier, session_valide, tmp_path):
    from tests.moteur.conftest import STRUCTURES_CSV

    dossier = fabrique_dossier(
        structures=STRUCTURES_CSV.replace(",8,2026-06-22|", ",8,2026-06-21|2026-06-22|")
    )
    ecrire_plan(plan_correct(), session_valide, tmp_path / "plan")
    code, _, err = lancer(capsys, dossier, tmp_path / "plan")
    assert code == 0
    assert "Avertissement" in err
    assert "dimanche" in err
