"""La commande `stages-collectifs conseiller` : fichiers écrits, erreurs en français."""

from __future__ import annotations

import csv

from cli import main
from moteur.conseiller import COLONNES
from tests.moteur.conftest import PROJETS_CSV, ecrire_dossier


def test_commande_ecrit_les_recommandations(tmp_path, capsys):
    # P2 n'a plus que 3 places pour 5 demandeurs (E05, E07 à E10) ; E05 peut aller à P1
    # (une place libre) : un seul élève reste sans place. Une place de plus à P2 le place.
    dossier_valide = tmp_path / "session"
    dossier_valide.mkdir()
    ecrire_dossier(dossier_valide, **{"projets.csv": PROJETS_CSV.replace(",5,S3|S4", ",3,S3|S4")})
    plan = tmp_path / "plan"
    assert main(["plan", str(dossier_valide), "--out", str(plan), "--sans-rotation", "-q"]) == 0
    sortie = tmp_path / "conseil"
    assert main(["conseiller", str(dossier_valide), str(plan), "--out", str(sortie)]) == 0
    with (sortie / "recommandations.csv").open(encoding="utf-8") as f:
        lecteur = csv.reader(f)
        assert tuple(next(lecteur)) == COLONNES
        lignes = list(lecteur)
    assert lignes[0][:6] == ["1", "places", "P2", "50502", "1", "1"]
    assert [int(ligne[0]) for ligne in lignes] == list(range(1, len(lignes) + 1))
    assert (sortie / "pression_projets.csv").exists()
    assert (sortie / "pression_territoires.csv").exists()
    assert "recommandations" in capsys.readouterr().out


def test_sans_plan_seulement_la_pression(dossier_valide, tmp_path):
    sortie = tmp_path / "avant"
    assert main(["conseiller", str(dossier_valide), "--out", str(sortie)]) == 0
    with (sortie / "pression_projets.csv").open(encoding="utf-8") as f:
        lignes = list(csv.DictReader(f))
    assert {ligne["projet_id"] for ligne in lignes} == {"P1", "P2"}
    assert not (sortie / "recommandations.csv").exists()


def test_plan_invalide_code_2(dossier_valide, tmp_path, capsys):
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "affectations.csv").write_text("eleve_id,projet_id,rang,groupe\nE99,P1,1,A\n")
    (plan / "planning.csv").write_text("projet_id,groupe,date,structure_id\n")
    code = main(["conseiller", str(dossier_valide), str(plan), "--out", str(tmp_path / "o")])
    assert code == 2
    erreur = capsys.readouterr().err
    assert "affectations.csv" in erreur and "Traceback" not in erreur
