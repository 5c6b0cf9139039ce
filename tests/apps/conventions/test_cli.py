"""`stages-collectifs conventions IN_DIR PLAN_DIR --out DIR`, sans base de données."""

from __future__ import annotations

import zipfile
from pathlib import Path

import icalendar

from cli import main
from moteur.format import ecrire_plan, lire_session
from tests.apps.conventions.test_pdf import texte_pdf
from tests.moteur.conftest import ecrire_dossier, plan_correct


def preparer(tmp_path: Path, **fichiers) -> tuple[Path, Path]:
    dossier = ecrire_dossier(tmp_path / "session", **fichiers)
    plan_dir = tmp_path / "plan"
    ecrire_plan(plan_correct(), lire_session(dossier), plan_dir)
    return dossier, plan_dir


def test_un_pdf_et_un_ics_par_eleve_place_et_un_zip_par_lycee(tmp_path: Path, capsys) -> None:
    dossier, plan_dir = preparer(tmp_path)
    sortie = tmp_path / "sortie"
    assert main(["conventions", str(dossier), str(plan_dir), "--out", str(sortie)]) == 0
    ids = [f"E{i:02d}" for i in range(1, 11)]
    assert sorted(p.name for p in sortie.glob("*.pdf")) == [f"{i}.pdf" for i in ids]
    assert sorted(p.name for p in sortie.glob("*.ics")) == [f"{i}.ics" for i in ids]
    with zipfile.ZipFile(sortie / "0141555P.zip") as archive:
        assert sorted(archive.namelist()) == sorted(
            [f"E0{i}.pdf" for i in range(1, 7)] + [f"E0{i}.ics" for i in range(1, 7)]
        )
    with zipfile.ZipFile(sortie / "0500017Z.zip") as archive:
        assert "E10.pdf" in archive.namelist()
    sortie_console = capsys.readouterr()
    assert "Léa" not in sortie_console.out + sortie_console.err
    assert "Martin" not in sortie_console.out + sortie_console.err

    texte = texte_pdf((sortie / "E01.pdf").read_bytes())
    for attendu in (
        "Léa",
        "Martin",
        "CCI Caen Normandie",
        "Lycée Malherbe",
        "Mme Petit",
        "Atelier mécanique de Caen",
        "3 rue de l'Atelier",
        "09:00 – 16:30",
        "Clinique d'Hérouville",
        "08:30 – 16:00",
        "15/06/2026",
        "26/06/2026",
    ):
        assert attendu in texte, attendu
    # E03 n'a pas d'identité : des blancs à compléter.
    assert "……" in texte_pdf((sortie / "E03.pdf").read_bytes())

    calendrier = icalendar.Calendar.from_ical((sortie / "E01.ics").read_bytes())
    evenements = calendrier.walk("VEVENT")
    assert len(evenements) == 10
    lieux = {str(e["location"]) for e in evenements}
    assert any("3 rue de l'Atelier" in lieu for lieu in lieux)


def test_sans_identites_tout_est_a_completer(tmp_path: Path) -> None:
    dossier, plan_dir = preparer(tmp_path, identites=None)
    sortie = tmp_path / "sortie"
    assert main(["conventions", str(dossier), str(plan_dir), "--out", str(sortie)]) == 0
    texte = texte_pdf((sortie / "E01.pdf").read_bytes())
    assert "Léa" not in texte
    assert "……" in texte


def test_entree_invalide_code_2(tmp_path: Path, capsys) -> None:
    dossier, plan_dir = preparer(tmp_path)
    (plan_dir / "planning.csv").write_text(
        "projet_id,groupe,date,structure_id\nP9,A,x,S1\n", encoding="utf-8"
    )
    assert main(["conventions", str(dossier), str(plan_dir), "--out", str(tmp_path / "o")]) == 2
    assert "planning.csv" in capsys.readouterr().err
