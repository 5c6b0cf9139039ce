"""Lecture d'un dossier de session : variantes acceptées et refus localisés."""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime, time
from pathlib import Path

import pytest

from moteur import referentiel
from moteur.erreurs import ErreurUtilisateur, Probleme
from moteur.format import lire_session
from moteur.format.sources import LIMITE_OCTETS
from moteur.modele import Point, TypeProjet
from tests.moteur.conftest import ELEVES_CSV, FICHIERS_VALIDES, PROJETS_CSV, STRUCTURES_CSV


def problemes(dossier: Path) -> list[Probleme]:
    with pytest.raises(ErreurUtilisateur) as exc:
        lire_session(dossier)
    return exc.value.problemes


def seul_probleme(dossier: Path) -> Probleme:
    trouves = problemes(dossier)
    assert len(trouves) == 1, [str(p) for p in trouves]
    return trouves[0]


def en_point_virgule(texte: str) -> str:
    """Le même CSV comme l'enregistre un tableur français : `;` et virgule décimale."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    for ligne in csv.reader(io.StringIO(texte)):
        ecrivain.writerow(
            [c.replace(".", ",") if c.replace(".", "").lstrip("-").isdigit() else c for c in ligne]
        )
    return sortie.getvalue()


# --- Ce qui est lu ---------------------------------------------------------------------------


def test_dossier_valide_est_lu_et_resolu(session_valide):
    s = session_valide
    assert s.parametres.distance_max_km == 25.0
    assert len(s.jours) == 10
    assert list(s.eleves) == [f"E{i:02d}" for i in range(1, 11)]  # ordre du fichier
    assert set(s.etablissements) == {"0141555P", "0500017Z"}
    assert set(s.structures) == {"S1", "S2", "S3", "S4"}
    assert s.projets["P1"].type is TypeProjet.MULTI_SECTEURS
    assert s.projets["P1"].structures == ("S1", "S2")
    assert s.projets["P1"].point == Point(49.1829, -0.3707)
    assert s.avertissements == []
    s2 = s.structures["S2"]
    assert s2.age_min == 15
    assert s2.heure_debut == time(8, 30)
    assert s2.jours == tuple(date(2026, 6, d) for d in range(22, 27))
    assert s.structures["S1"].age_min == 14
    assert s.structures["S1"].heure_fin == time(16, 30)
    assert s.structures["S4"].jours_max == 5
    assert s.identites["E01"].prenom == "Léa"
    assert "Léa" not in repr(s.identites["E01"])


def test_coordonnees_absentes_prennent_le_point_de_la_commune(session_valide):
    s = session_valide
    caen = referentiel.commune("14118")
    assert caen is not None
    assert s.etablissements["0141555P"].point == caen.point
    saint_lo = referentiel.commune("50502")
    assert saint_lo is not None
    assert s.projets["P2"].point == saint_lo.point
    assert s.structures["S2"].point == referentiel.commune("14327").point


def test_eleve_sans_commune_prend_commune_et_point_du_lycee(session_valide):
    e09 = session_valide.eleves["E09"]  # lycée de Saint-Lô, coordonnées données
    assert e09.commune_insee == "50502"
    assert e09.point == Point(49.1147, -1.0855)
    e03 = session_valide.eleves["E03"]  # sans commune mais avec coordonnées : on les garde
    assert e03.commune_insee == "14118"
    assert e03.point == Point(49.19, -0.36)


def test_eleve_rural_selon_le_referentiel(session_valide):
    rurale = referentiel.commune("50475")
    assert rurale is not None
    assert rurale.rurale
    assert session_valide.eleves["E07"].rural is True
    assert session_valide.eleves["E10"].rural is False


def test_champs_eleve(session_valide):
    e02 = session_valide.eleves["E02"]
    assert e02.voeux == ("P1", "P2")
    assert e02.domaines == ("J", "H")
    assert e02.boursier is True
    assert e02.genre == "M"
    assert e02.date_naissance == date(2010, 7, 2)
    assert session_valide.eleves["E09"].boursier is False
    assert session_valide.eleves["E09"].genre == "F"


def test_point_virgule_windows_1252_virgule_decimale(fabrique_dossier, session_valide):
    fichiers = {
        nom.removesuffix(".csv"): en_point_virgule(texte).encode("cp1252")
        for nom, texte in FICHIERS_VALIDES.items()
        if nom.endswith(".csv")
    }
    assert b"49,1829" in fichiers["projets"]
    assert "é".encode("cp1252") in fichiers["projets"]
    session = lire_session(fabrique_dossier(**fichiers))
    assert session.projets["P1"].nom == "Industrie et santé à Caen"
    assert session.projets["P1"].point == Point(49.1829, -0.3707)
    assert session.eleves == session_valide.eleves
    assert session.structures == session_valide.structures


def test_utf8_avec_bom(fabrique_dossier, session_valide):
    dossier = fabrique_dossier(
        eleves=b"\xef\xbb\xbf" + ELEVES_CSV.encode(),
        projets=b"\xef\xbb\xbf" + PROJETS_CSV.encode(),
    )
    session = lire_session(dossier)
    assert session.eleves == session_valide.eleves
    assert session.projets == session_valide.projets


def test_colonnes_en_plus_ignorees_et_majuscules_tolerees(fabrique_dossier, session_valide):
    lignes = ELEVES_CSV.splitlines()
    entete = lignes[0].replace("id,uai", " ID ,UAI") + ",remarque,classe"
    texte = "\n".join([entete] + [ligne + ",rien,2nde 1" for ligne in lignes[1:]]) + "\n"
    session = lire_session(fabrique_dossier(eleves=texte))
    assert session.eleves == session_valide.eleves


def test_colonnes_optionnelles_absentes(fabrique_dossier):
    dossier = fabrique_dossier(
        eleves="id,uai,date_naissance,voeux\nE01,0141555P,2010-03-14,P1\n",
        structures="id,nom,domaines,commune_insee,accueil_max\nS1,A,H,14118,12\nS2,B,J,14327,8\n"
        "S3,C,D,50502,10\nS4,D,K,50502,10\n",
        identites=None,
    )
    session = lire_session(dossier)
    e01 = session.eleves["E01"]
    assert e01.commune_insee == "14118"
    assert e01.domaines == ()
    assert e01.genre == ""
    assert session.structures["S2"].jours == ()
    assert session.structures["S2"].jours_max is None
    assert session.identites == {}


def test_fichier_avec_seulement_l_entete_est_vide_et_valide(fabrique_dossier):
    dossier = fabrique_dossier(eleves=ELEVES_CSV.splitlines()[0] + "\n", identites=None)
    assert lire_session(dossier).eleves == {}


def test_lignes_vides_ignorees(fabrique_dossier):
    texte = ELEVES_CSV.replace("E02,", "\n;;;\n,,,,,,,,,\nE02,", 1).replace(";;;", "")
    session = lire_session(fabrique_dossier(eleves=texte))
    assert len(session.eleves) == 10


def test_notation_scientifique_acceptee_en_lecture(fabrique_dossier):
    texte = ELEVES_CSV.replace(
        "E03,0141555P,2010-11-20,F,,49.19,-0.36", "E03,0141555P,2010-11-20,F,,4.919e1,-3.6e-01"
    )
    session = lire_session(fabrique_dossier(eleves=texte))
    assert session.eleves["E03"].point == Point(49.19, -0.36)


def test_jour_non_ouvre_ignore_avec_avertissement(fabrique_dossier):
    texte = STRUCTURES_CSV.replace(",8,2026-06-22|", ",8,2026-06-20|2026-06-22|")
    session = lire_session(fabrique_dossier(structures=texte))
    assert any("2026-06-20" in a and "samedi" in a for a in session.avertissements)
    s2 = session.structures["S2"]
    assert date(2026, 6, 20) not in s2.jours_possibles(session.jours)
    assert len(s2.jours_possibles(session.jours)) == 5


def test_jour_ferie_ignore_avec_avertissement(fabrique_dossier):
    session_json = FICHIERS_VALIDES["session.json"].replace(
        '"jours_feries": []', '"jours_feries": ["2026-06-22"]'
    )
    session = lire_session(fabrique_dossier(session=session_json))
    assert len(session.jours) == 9
    assert any("2026-06-22" in a and "férié" in a for a in session.avertissements)


# --- Classeur session.xlsx -------------------------------------------------------------------


def _typer(colonne: str, cellule: str):
    """Comme un tableur enregistre : nombres, dates et heures typés (sauf identifiants)."""
    if not cellule or colonne in {"id", "uai", "eleve_id", "telephone", "siret", "voeux"}:
        return cellule or None
    if len(cellule) == 10 and cellule[4] == "-" and cellule[7] == "-":
        return datetime.fromisoformat(cellule)
    if len(cellule) == 5 and cellule[2] == ":":
        return time.fromisoformat(cellule)
    try:
        return int(cellule)
    except ValueError:
        pass
    try:
        return float(cellule)
    except ValueError:
        return cellule


def ecrire_classeur(chemin: Path, fichiers: dict[str, str]) -> None:
    import openpyxl

    classeur = openpyxl.Workbook()
    classeur.remove(classeur.active)
    for nom, texte in fichiers.items():
        feuille = classeur.create_sheet(nom.removesuffix(".csv"))
        lignes = list(csv.reader(io.StringIO(texte)))
        feuille.append(lignes[0])
        for ligne in lignes[1:]:
            feuille.append([_typer(col, c) for col, c in zip(lignes[0], ligne, strict=True)])
    classeur.save(chemin)


def test_classeur_xlsx_avec_cellules_typees(fabrique_dossier, session_valide):
    csvs = {n: t for n, t in FICHIERS_VALIDES.items() if n.endswith(".csv")}
    dossier = fabrique_dossier(**dict.fromkeys((n.removesuffix(".csv") for n in csvs), None))
    ecrire_classeur(dossier / "session.xlsx", csvs)
    session = lire_session(dossier)
    assert session.eleves == session_valide.eleves
    assert session.structures == session_valide.structures
    assert session.projets == session_valide.projets
    assert session.etablissements == session_valide.etablissements
    assert session.identites == session_valide.identites


def test_classeur_commune_numerique_garde_ses_zeros(fabrique_dossier):
    import openpyxl

    dossier = fabrique_dossier(etablissements=None)
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.title = "etablissements"
    feuille.append(["uai", "nom", "commune_insee"])
    feuille.append(["0141555P", "Lycée A", 14118])
    feuille.append(["0500017Z", "Lycée B", 50502])
    feuille.append(["0010001A", "Lycée de l'Ain", 1053])  # Bourg-en-Bresse, 01053
    classeur.save(dossier / "session.xlsx")
    session = lire_session(dossier)
    assert session.etablissements["0010001A"].commune_insee == "01053"


def test_classeur_erreur_nomme_la_feuille_et_la_ligne(fabrique_dossier):
    csvs = {"eleves.csv": ELEVES_CSV.replace("E04,0141555P", "E04,014155P")}
    dossier = fabrique_dossier(eleves=None)
    ecrire_classeur(dossier / "session.xlsx", csvs)
    p = seul_probleme(dossier)
    assert "session.xlsx" in p.fichier
    assert "eleves" in p.fichier
    assert (p.ligne, p.colonne) == (5, "uai")


def test_classeur_illisible(fabrique_dossier):
    dossier = fabrique_dossier(eleves=None)
    (dossier / "session.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    trouves = problemes(dossier)
    assert any(p.fichier == "session.xlsx" and "classeur" in p.message for p in trouves)


# --- Refus localisés -------------------------------------------------------------------------


def test_colonne_obligatoire_manquante(fabrique_dossier):
    texte = "\n".join(
        ",".join(c for i, c in enumerate(ligne.split(",")) if i != 2)
        for ligne in ELEVES_CSV.splitlines()
    )
    p = seul_probleme(fabrique_dossier(eleves=texte))
    assert (p.fichier, p.ligne, p.colonne) == ("eleves.csv", 1, "date_naissance")
    assert "absente" in p.message


def test_uai_invalide(fabrique_dossier):
    p = seul_probleme(
        fabrique_dossier(
            eleves=ELEVES_CSV.replace("E11", "").replace("E04,0141555P", "E04,014155P")
        )
    )
    assert (p.fichier, p.ligne, p.colonne) == ("eleves.csv", 5, "uai")
    assert str(p) == (
        "eleves.csv, ligne 5, colonne « uai » : « 014155P » n'est pas un UAI (7 chiffres "
        "puis une lettre majuscule, ex. 0141555P)"
    )


def test_voeu_vers_projet_inconnu(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("P2|P1,D,1", "P2|P9,D,1")))
    assert (p.fichier, p.ligne, p.colonne) == ("eleves.csv", 6, "voeux")
    assert "« P9 »" in p.message
    assert "projets.csv" in p.message


def test_voeu_en_double(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("P2|P1,D,1", "P1|P1,D,1")))
    assert (p.ligne, p.colonne) == (6, "voeux")


def test_uai_inconnu_des_etablissements(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("E10,0500017Z", "E10,0769999X")))
    assert (p.fichier, p.ligne, p.colonne) == ("eleves.csv", 11, "uai")
    assert "etablissements.csv" in p.message


def test_structure_de_projet_inconnue(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(projets=PROJETS_CSV.replace("S3|S4", "S3|S7")))
    assert (p.fichier, p.ligne, p.colonne) == ("projets.csv", 3, "structures")
    assert "S7" in p.message


def test_identite_d_un_eleve_inconnu(fabrique_dossier):
    texte = FICHIERS_VALIDES["identites.csv"].replace("E02,Bernard", "E42,Bernard")
    p = seul_probleme(fabrique_dossier(identites=texte))
    assert (p.fichier, p.ligne, p.colonne) == ("identites.csv", 3, "eleve_id")


def test_identifiant_duplique(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("E07,", "E03,")))
    assert (p.fichier, p.ligne, p.colonne) == ("eleves.csv", 8, "id")
    assert "ligne 4" in p.message


def test_capacite_negative(fabrique_dossier):
    p = seul_probleme(
        fabrique_dossier(structures=STRUCTURES_CSV.replace(",,,,10,,,,,", ",,,,-3,,,,,"))
    )
    assert (p.fichier, p.ligne, p.colonne) == ("structures.csv", 4, "accueil_max")
    assert "minimum" in p.message


def test_capacite_non_entiere(fabrique_dossier):
    p = seul_probleme(
        fabrique_dossier(structures=STRUCTURES_CSV.replace(",,,,10,,,,,", ",,,,dix,,,,,"))
    )
    assert (p.ligne, p.colonne) == (4, "accueil_max")
    assert "entier" in p.message


def test_date_hors_session(fabrique_dossier):
    p = seul_probleme(
        fabrique_dossier(structures=STRUCTURES_CSV.replace("|2026-06-26", "|2026-06-29"))
    )
    assert (p.fichier, p.ligne, p.colonne) == ("structures.csv", 3, "jours")
    assert "hors de la session" in p.message


def test_coordonnee_non_numerique(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("49.19,-0.36", "49.19,ouest")))
    assert (p.fichier, p.ligne, p.colonne) == ("eleves.csv", 4, "longitude")
    assert "nombre" in p.message


def test_virgule_decimale_refusee_avec_separateur_virgule(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("49.19,-0.36", '"49,19",-0.36')))
    assert (p.ligne, p.colonne) == (4, "latitude")


def test_une_seule_coordonnee(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("49.19,-0.36", "49.19,")))
    assert (p.ligne, p.colonne) == (4, "longitude")


def test_latitude_hors_bornes(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("49.19,-0.36", "149.19,-0.36")))
    assert (p.ligne, p.colonne) == (4, "latitude")


def test_commune_inconnue_du_referentiel(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace(",14341,", ",14999,")))
    assert (p.fichier, p.ligne, p.colonne) == ("eleves.csv", 5, "commune_insee")
    assert "référentiel" in p.message


def test_date_de_naissance_au_format_francais(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.replace("2010-03-14", "14/03/2010")))
    assert (p.ligne, p.colonne) == (2, "date_naissance")
    assert "AAAA-MM-JJ" in p.message


def test_valeurs_hors_enumeration_et_motifs(fabrique_dossier):
    texte = (
        ELEVES_CSV.replace("E01,0141555P,2010-03-14,F", "E01,0141555P,2010-03-14,X")
        .replace("J|H,1", "J|Z,1")
        .replace("D|K,0", "D|K,oui")
    )
    trouves = problemes(fabrique_dossier(eleves=texte))
    assert {(p.ligne, p.colonne) for p in trouves} == {
        (2, "genre"),
        (3, "domaines"),
        (11, "boursier"),
    }


def test_type_de_projet_inconnu_et_places_nulles(fabrique_dossier):
    texte = PROJETS_CSV.replace("multi-secteurs", "multi").replace(",5,S3|S4", ",0,S3|S4")
    trouves = problemes(fabrique_dossier(projets=texte))
    assert {(p.fichier, p.ligne, p.colonne) for p in trouves} == {
        ("projets.csv", 2, "type"),
        ("projets.csv", 3, "places"),
    }


def test_courriel_invalide(fabrique_dossier):
    texte = FICHIERS_VALIDES["etablissements.csv"].replace(
        "ce.0141555p@ac-normandie.fr", "pas-un-courriel"
    )
    p = seul_probleme(fabrique_dossier(etablissements=texte))
    assert (p.fichier, p.ligne, p.colonne) == ("etablissements.csv", 2, "email")


def test_valeur_obligatoire_vide(fabrique_dossier):
    p = seul_probleme(
        fabrique_dossier(
            eleves=ELEVES_CSV.replace(
                "E06,0141555P,2011-09-01,M,,,,P1", "E06,0141555P,2011-09-01,M,,,,"
            )
        )
    )
    assert (p.ligne, p.colonne) == (7, "voeux")
    assert "obligatoire" in p.message


def test_erreurs_collectees_ensemble_et_tronquees(fabrique_dossier):
    lignes = [ELEVES_CSV.splitlines()[0]] + [f"X{i},BAD,2010-01-01,F,,,,P1,," for i in range(120)]
    trouves = problemes(fabrique_dossier(eleves="\n".join(lignes), identites=None))
    assert len(trouves) == 51
    assert trouves[0].ligne == 2
    assert trouves[-1].message == "… et 70 autres problèmes"


def test_plusieurs_fichiers_fautifs_signales_ensemble(fabrique_dossier):
    trouves = problemes(
        fabrique_dossier(
            eleves=ELEVES_CSV.replace("E04,0141555P", "E04,014155P"),
            structures=STRUCTURES_CSV.replace(",,,,10,,,,,", ",,,,-3,,,,,"),
        )
    )
    assert {p.fichier for p in trouves} == {"eleves.csv", "structures.csv"}


def test_fichier_de_zero_octet(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(projets=b""))
    assert p.fichier == "projets.csv"
    assert "0 octet" in p.message


@pytest.mark.parametrize("nom", ["eleves", "etablissements", "structures", "projets", "session"])
def test_fichier_requis_manquant(fabrique_dossier, nom):
    trouves = problemes(fabrique_dossier(**{nom: None}))
    attendu = "session.json" if nom == "session" else f"{nom}.csv"
    assert any(p.fichier == attendu and "absent" in p.message for p in trouves)


def test_identites_optionnel(fabrique_dossier):
    assert lire_session(fabrique_dossier(identites=None)).identites == {}


def test_fichier_binaire(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=os.urandom(3 * 1024 * 1024)))
    assert p.fichier == "eleves.csv"
    assert "binaire" in p.message or "encodage" in p.message


def test_gros_fichier_texte_sans_fin_de_ligne(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(eleves=b"A" * (5 * 1024 * 1024)))
    assert p.fichier == "eleves.csv"
    assert "démesurée" in p.message


def test_ligne_enorme_au_milieu(fabrique_dossier):
    texte = ELEVES_CSV + "E99," + "x" * (3 * 1024 * 1024) + "\n"
    p = seul_probleme(fabrique_dossier(eleves=texte))
    assert "démesurée" in p.message


def test_fichier_trop_gros_refuse_sans_etre_lu(fabrique_dossier):
    dossier = fabrique_dossier()
    with (dossier / "eleves.csv").open("r+b") as fichier:
        fichier.truncate(LIMITE_OCTETS + 1)  # fichier creux : rien n'est écrit sur le disque
    p = seul_probleme(dossier)
    assert p.fichier == "eleves.csv"
    assert "limite" in p.message


def test_encodage_inconnu(fabrique_dossier):
    # 0x81 n'existe ni en UTF-8 isolé ni en Windows-1252
    p = seul_probleme(fabrique_dossier(eleves=ELEVES_CSV.encode() + b"E11,\x81\x81\n"))
    assert "encodage" in p.message


def test_session_json_invalide(fabrique_dossier):
    p = seul_probleme(fabrique_dossier(session='{"nom": "x",\n "date_debut": }'))
    assert (p.fichier, p.ligne) == ("session.json", 2)


def test_session_json_dates_incoherentes(fabrique_dossier):
    texte = '{"nom": "x", "date_debut": "2026-06-26", "date_fin": "2026-06-15"}'
    p = seul_probleme(fabrique_dossier(session=texte))
    assert (p.fichier, p.colonne) == ("session.json", "date_fin")


def test_dossier_introuvable(tmp_path):
    with pytest.raises(ErreurUtilisateur, match="introuvable"):
        lire_session(tmp_path / "rien")


def test_numero_de_ligne_apres_une_cellule_sur_plusieurs_lignes(fabrique_dossier):
    texte = (
        "uai,nom,commune_insee,adresse\n"
        '0141555P,Lycée A,14118,"1 rue X\nBP 12\n14000 Caen"\n'
        "0500017Z,Lycée B,5050\n"
    )
    p = seul_probleme(fabrique_dossier(etablissements=texte))
    assert (p.fichier, p.ligne, p.colonne) == ("etablissements.csv", 5, "commune_insee")


def test_schemas_du_paquet_identiques_au_contrat():
    contrat = Path("/work/shared/format/schemas")
    if not contrat.is_dir():
        pytest.skip("contrat publié absent de cette machine")
    copie = Path(__file__).parents[2] / "moteur" / "format" / "schemas"
    for chemin in contrat.glob("*.json"):
        assert (copie / chemin.name).read_text() == chemin.read_text(), chemin.name
