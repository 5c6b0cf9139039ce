"""Tableaux bornés en lignes et en longueur de champ, CSV comme feuilles de classeur."""

from __future__ import annotations

import openpyxl
import pytest

from moteur.format import sources
from moteur.format.sources import Classeur, FichierIllisible, ouvrir_csv


def _lire_tout(table) -> int:
    return sum(len(rangees) for _numeros, rangees in table.paquets)


def test_csv_au_dela_de_la_limite_de_lignes(tmp_path):
    chemin = tmp_path / "eleves.csv"
    chemin.write_text("id\n" + "".join(f"E{i}\n" for i in range(10)), encoding="utf-8")
    assert _lire_tout(ouvrir_csv(chemin, "eleves.csv", limite_lignes=11)) == 10
    with pytest.raises(FichierIllisible) as refus:
        _lire_tout(ouvrir_csv(chemin, "eleves.csv", limite_lignes=10))
    p = refus.value.probleme
    assert (p.fichier, p.ligne) == ("eleves.csv", 11)
    assert "dépasse 10 lignes (en-tête comprise)" in p.message


def test_limite_de_lignes_par_defaut_au_dela_d_excel():
    assert sources.LIMITE_LIGNES > 1_048_576


def test_feuille_au_dela_de_la_limite_de_lignes(tmp_path):
    chemin = tmp_path / "session.xlsx"
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.title = "eleves"
    for i in range(6):
        feuille.append([f"E{i}"])
    classeur.save(chemin)
    lecture = Classeur(chemin)
    try:
        assert _lire_tout(lecture.table("eleves", limite_lignes=6)) == 5
        with pytest.raises(FichierIllisible) as refus:
            _lire_tout(lecture.table("eleves", limite_lignes=5))
    finally:
        lecture.fermer()
    p = refus.value.probleme
    assert (p.fichier, p.ligne) == ("session.xlsx, feuille « eleves »", 6)


def test_champ_demesure_message_en_francais(tmp_path):
    chemin = tmp_path / "eleves.csv"
    chemin.write_text('id,nom\nE1,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(FichierIllisible) as refus:
        _lire_tout(ouvrir_csv(chemin, "eleves.csv"))
    p = refus.value.probleme
    assert (p.fichier, p.ligne) == ("eleves.csv", 2)
    assert p.message.startswith("un champ dépasse 131")
    assert "field" not in p.message
