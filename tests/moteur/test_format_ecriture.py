"""Écriture d'un dossier de session et d'un plan, et relecture à l'identique."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from pathlib import Path

import pytest

from moteur.erreurs import ErreurUtilisateur
from moteur.format import ecrire_plan, ecrire_session, lire_plan, lire_session, texte_nombre
from moteur.format.schema import schema
from moteur.modele import Affectation, LignePlanning, Plan, Point
from tests.moteur.conftest import plan_correct


def lire_csv(chemin: Path) -> list[dict[str, str]]:
    with chemin.open(encoding="utf-8", newline="") as fichier:
        return list(csv.DictReader(fichier))


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (3.6e-05, "0.000036"),
        (49.1832, "49.1832"),
        (-0.37, "-0.37"),
        (1e-07, "0.0000001"),
        (25.0, "25.0"),
        (-1.5e-10, "-0.00000000015"),
    ],
)
def test_nombres_jamais_en_notation_scientifique(valeur, attendu):
    assert texte_nombre(valeur) == attendu
    assert float(attendu) == valeur


def test_aller_retour_session_identique(session_valide, tmp_path):
    ecrire_session(session_valide, tmp_path / "copie")
    relue = lire_session(tmp_path / "copie")
    assert relue == session_valide
    assert list(relue.eleves) == list(session_valide.eleves)
    noms = sorted(p.name for p in (tmp_path / "copie").iterdir())
    assert noms == [
        "eleves.csv",
        "etablissements.csv",
        "identites.csv",
        "projets.csv",
        "session.json",
        "structures.csv",
    ]


def test_aller_retour_avec_petites_coordonnees(session_valide, tmp_path):
    e01 = session_valide.eleves["E01"]
    e01.point = Point(49.18, 3.6e-05)
    ecrire_session(session_valide, tmp_path / "copie")
    texte = (tmp_path / "copie" / "eleves.csv").read_text(encoding="utf-8")
    assert "0.000036" in texte
    assert "e-" not in texte
    assert lire_session(tmp_path / "copie").eleves["E01"].point == Point(49.18, 3.6e-05)


def test_entetes_ecrites_dans_l_ordre_des_schemas(session_valide, tmp_path):
    ecrire_session(session_valide, tmp_path)
    for nom in ("etablissements", "structures", "projets", "eleves", "identites"):
        with (tmp_path / f"{nom}.csv").open(encoding="utf-8") as fichier:
            entete = fichier.readline().strip().split(",")
        assert tuple(entete) == schema(nom).colonnes


def test_sans_identites_supprime_un_ancien_fichier(session_valide, tmp_path):
    ecrire_session(session_valide, tmp_path)
    assert (tmp_path / "identites.csv").exists()
    session_valide.identites = {}
    ecrire_session(session_valide, tmp_path)
    assert not (tmp_path / "identites.csv").exists()
    assert lire_session(tmp_path).identites == {}


def test_ecriture_sans_fichier_temporaire_restant(session_valide, tmp_path):
    ecrire_session(session_valide, tmp_path)
    ecrire_plan(plan_correct(), session_valide, tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_ecriture_interrompue_ne_laisse_rien_a_moitie(session_valide, tmp_path):
    ecrire_session(session_valide, tmp_path)
    avant = (tmp_path / "eleves.csv").read_bytes()
    cassee = dataclasses.replace(session_valide)
    cassee.eleves = dict(session_valide.eleves)
    cassee.eleves["E99"] = dataclasses.replace(
        session_valide.eleves["E01"], id="E99", date_naissance=object()
    )  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ecrire_session(cassee, tmp_path)
    assert (tmp_path / "eleves.csv").read_bytes() == avant
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_plan_ecrit_tous_les_eleves_dans_l_ordre(session_valide, tmp_path):
    plan = plan_correct()
    del plan.affectations["E06"]  # pas placé : ligne vide
    plan.affectations["E03"] = Affectation("E03", None)
    plan.affectations["E05"].rang = None  # recalculé depuis les vœux
    ecrire_plan(plan, session_valide, tmp_path)
    lignes = lire_csv(tmp_path / "affectations.csv")
    assert [ligne["eleve_id"] for ligne in lignes] == list(session_valide.eleves)
    par_eleve = {ligne["eleve_id"]: ligne for ligne in lignes}
    assert par_eleve["E06"] == {"eleve_id": "E06", "projet_id": "", "rang": "", "groupe": ""}
    assert par_eleve["E03"]["projet_id"] == ""
    assert par_eleve["E05"]["rang"] == "2"
    assert par_eleve["E01"] == {"eleve_id": "E01", "projet_id": "P1", "rang": "1", "groupe": "A"}


def test_planning_trie_par_projet_groupe_date(session_valide, tmp_path):
    plan = plan_correct()
    plan.planning.reverse()
    plan.planning.append(LignePlanning("P10", "A", date(2026, 6, 15), "S1"))  # après P2
    ecrire_plan(plan, session_valide, tmp_path)
    lignes = lire_csv(tmp_path / "planning.csv")
    cles = [(ligne["projet_id"], ligne["groupe"], ligne["date"]) for ligne in lignes]
    assert cles[0] == ("P1", "A", "2026-06-15")
    assert cles[-1] == ("P10", "A", "2026-06-15")
    assert cles[:-1] == sorted(cles[:-1])
    assert len(lignes) == 31


def test_aller_retour_plan(session_valide, tmp_path):
    plan = plan_correct()
    ecrire_plan(plan, session_valide, tmp_path)
    relu = lire_plan(tmp_path, session_valide)
    assert relu.affectations == plan.affectations
    assert sorted(relu.planning, key=repr) == sorted(plan.planning, key=repr)


def _plan_fautif(
    tmp_path: Path, session, affectations: str | None = None, planning: str | None = None
) -> list:
    ecrire_plan(plan_correct(), session, tmp_path)
    if affectations is not None:
        (tmp_path / "affectations.csv").write_text(affectations, encoding="utf-8")
    if planning is not None:
        (tmp_path / "planning.csv").write_text(planning, encoding="utf-8")
    with pytest.raises(ErreurUtilisateur) as exc:
        lire_plan(tmp_path, session)
    return exc.value.problemes


def test_lire_plan_eleve_et_projet_inconnus(session_valide, tmp_path):
    texte = "eleve_id,projet_id,rang,groupe\nE01,P1,1,A\nE77,P1,1,A\nE02,P8,1,A\n"
    trouves = _plan_fautif(tmp_path, session_valide, affectations=texte)
    assert {(p.fichier, p.ligne, p.colonne) for p in trouves} == {
        ("affectations.csv", 3, "eleve_id"),
        ("affectations.csv", 4, "projet_id"),
    }


def test_lire_plan_eleve_en_double_et_rang_invalide(session_valide, tmp_path):
    texte = "eleve_id,projet_id,rang,groupe\nE01,P1,1,A\nE01,P1,0,A\n"
    trouves = _plan_fautif(tmp_path, session_valide, affectations=texte)
    assert {(p.ligne, p.colonne) for p in trouves} == {(3, "eleve_id"), (3, "rang")}


def test_lire_plan_planning_fautif(session_valide, tmp_path):
    texte = (
        "projet_id,groupe,date,structure_id\nP1,A,2026-06-15,S1\nP1,A,2026-06-15,S2\n"
        "P1,A,2026-06-16,S9\nP1,A,16/06/2026,S1\nP1,,2026-06-17,S1\n"
    )
    trouves = _plan_fautif(tmp_path, session_valide, planning=texte)
    assert {(p.fichier, p.ligne, p.colonne) for p in trouves} == {
        ("planning.csv", 3, "date"),
        ("planning.csv", 4, "structure_id"),
        ("planning.csv", 5, "date"),
        ("planning.csv", 6, "groupe"),
    }


def test_lire_plan_fichier_manquant(session_valide, tmp_path):
    ecrire_plan(plan_correct(), session_valide, tmp_path)
    (tmp_path / "planning.csv").unlink()
    with pytest.raises(ErreurUtilisateur) as exc:
        lire_plan(tmp_path, session_valide)
    assert [p.fichier for p in exc.value.problemes] == ["planning.csv"]


def test_plan_vide_est_relu(session_valide, tmp_path):
    ecrire_plan(Plan(), session_valide, tmp_path)
    relu = lire_plan(tmp_path, session_valide)
    assert relu.planning == []
    assert all(a.projet_id is None for a in relu.affectations.values())
    assert list(relu.affectations) == list(session_valide.eleves)
