"""Bombes de décompression : la garde `moteur.format.bornes.verifier_classeur`.

`fabriquer_bombe` construit un vrai classeur (feuille « eleves ») d'environ 200 Ko dont
`xl/sharedStrings.xml` se décompresse en 200 Mo : openpyxl seul y passe 1,3 s et monte à
453 Mo de mémoire (mesuré avec /usr/bin/time). Le test de `stages-collectifs import` mesure
la mémoire de pointe du processus entier (os.wait4 : le ru_maxrss de cet enfant-là).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from moteur.erreurs import ErreurUtilisateur
from moteur.format import bornes, lire_session
from moteur.format.bornes import ClasseurRefuse, verifier_classeur
from tests.moteur.conftest import SESSION_JSON

MO = 1024 * 1024
MEMOIRE_MAX = 100 * MO
XML = '<?xml version="1.0" encoding="UTF-8"?>'
NS = "http://schemas.openxmlformats.org"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
RELATION = f"{NS}/officeDocument/2006/relationships"
PARTIES = {
    "[Content_Types].xml": f'{XML}<Types xmlns="{NS}/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
    '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>'
    "</Types>",
    "_rels/.rels": f'{XML}<Relationships xmlns="{NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELATION}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": f'{XML}<workbook xmlns="{NS}/spreadsheetml/2006/main" '
    f'xmlns:r="{RELATION}"><sheets><sheet name="eleves" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>",
    "xl/_rels/workbook.xml.rels": f'{XML}<Relationships xmlns="{NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELATION}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATION}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
    "xl/worksheets/sheet1.xml": f'{XML}<worksheet xmlns="{NS}/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
}


def fabriquer_bombe(chemin: Path, mo: int = 200) -> Path:
    """Un classeur valide dont la seule chaîne partagée fait `mo` Mo (des « A »)."""
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for nom, texte in PARTIES.items():
            archive.writestr(nom, texte)
        with archive.open("xl/sharedStrings.xml", "w") as flux:
            flux.write(f'{XML}<sst xmlns="{NS}/spreadsheetml/2006/main"><si><t>'.encode())
            bloc = b"A" * MO
            for _ in range(mo):
                flux.write(bloc)
            flux.write(b"</t></si></sst>")
    return chemin


def mentir_sur_la_taille(chemin: Path, entree: str, taille: int) -> None:
    """Réécrit la taille décompressée annoncée de `entree` (en-tête local et répertoire)."""
    octets = bytearray(chemin.read_bytes())
    nom = entree.encode()
    # (signature, position de la taille, de la longueur du nom, du nom) dans chaque en-tête
    for signature, decalage, longueur_nom, debut_nom in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        position = octets.find(signature)
        while position >= 0:
            longueur = struct.unpack_from("<H", octets, position + longueur_nom)[0]
            if octets[position + debut_nom : position + debut_nom + longueur] == nom:
                struct.pack_into("<I", octets, position + decalage, taille)
            position = octets.find(signature, position + 4)
    chemin.write_bytes(bytes(octets))


@pytest.fixture(scope="module")
def bombe(tmp_path_factory) -> Path:
    chemin = fabriquer_bombe(tmp_path_factory.mktemp("bombe") / "session.xlsx")
    assert chemin.stat().st_size < 300 * 1024  # ~200 Ko
    with zipfile.ZipFile(chemin) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size > 200 * 1000 * 1000
    return chemin


def test_la_bombe_est_refusee_sans_decompresser(bombe):
    with pytest.raises(ClasseurRefuse) as refus:
        verifier_classeur(bombe, "mes élèves.xlsx")
    texte = str(refus.value)
    assert texte.startswith("mes élèves.xlsx : ")
    assert "xl/sharedStrings.xml" in texte and "bombe de décompression" in texte


def test_lire_session_refuse_la_bombe_en_nommant_le_fichier(tmp_path, bombe):
    (tmp_path / "session.json").write_text(SESSION_JSON, encoding="utf-8")
    (tmp_path / "session.xlsx").write_bytes(bombe.read_bytes())
    with pytest.raises(ErreurUtilisateur) as erreur:
        lire_session(tmp_path)
    refus = [p for p in erreur.value.problemes if "bombe" in p.message]
    assert [p.fichier for p in refus] == ["session.xlsx"]


def test_une_archive_qui_ment_sur_ses_tailles_est_refusee(tmp_path):
    """La taille annoncée (1 Ko) ne compte pas : la décompression en flux la dément."""
    chemin = fabriquer_bombe(tmp_path / "menteur.xlsx", mo=20)
    mentir_sur_la_taille(chemin, "xl/sharedStrings.xml", 1000)
    with zipfile.ZipFile(chemin) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size == 1000
    with pytest.raises(bornes.ERREURS_ARCHIVE):
        verifier_classeur(chemin, "menteur.xlsx")


def test_la_taille_reelle_est_comptee_pendant_la_decompression(tmp_path, monkeypatch):
    """Annonces sous les seuils, mais les octets produits les dépassent : refus en flux."""
    chemin = fabriquer_bombe(tmp_path / "classeur.xlsx", mo=2)
    monkeypatch.setattr(bornes, "LIMITE_TAUX", 10_000)
    verifier_classeur(chemin, "classeur.xlsx")  # 2 Mo : sous la limite de 150 Mo
    monkeypatch.setattr(bornes, "_verifier_annonces", lambda nom, entrees: None)
    monkeypatch.setattr(bornes, "LIMITE_DECOMPRESSE", MO)
    with pytest.raises(ClasseurRefuse, match="se décompresse en plus de 1 Mo"):
        verifier_classeur(chemin, "classeur.xlsx")


def test_trop_d_entrees(tmp_path, monkeypatch):
    chemin = tmp_path / "entrees.xlsx"
    with zipfile.ZipFile(chemin, "w") as archive:
        for i in range(12):
            archive.writestr(f"x{i}.xml", "<a/>")
    verifier_classeur(chemin, "entrees.xlsx")
    monkeypatch.setattr(bornes, "LIMITE_ENTREES", 10)
    with pytest.raises(ClasseurRefuse, match="12 entrées"):
        verifier_classeur(chemin, "entrees.xlsx")


def _classeur_reel(chemin: Path, eleves: int) -> None:
    """Un classeur réaliste : feuilles « eleves » et « identites » remplies au hasard."""
    import openpyxl

    hasard = random.Random(1)
    classeur = openpyxl.Workbook(write_only=True)
    feuille = classeur.create_sheet("eleves")
    feuille.append(["id", "uai", "date_naissance", "genre", "commune_insee", "latitude", "voeux"])
    identites = classeur.create_sheet("identites")
    identites.append(["eleve_id", "nom", "prenom", "classe", "adresse", "email"])
    projets = [f"P{k:03d}" for k in range(300)]
    for i in range(eleves):
        ident, uai = f"E{i:06d}", f"0{hasard.randint(100000, 999999)}P"
        naissance = dt.date(2010, 1, 1) + dt.timedelta(hasard.randint(0, 700))
        voeux = "|".join(hasard.sample(projets, 5))
        feuille.append([ident, uai, naissance, "F", "14118", 49 + hasard.random(), voeux])
        adresse, courriel = f"{i} rue des Lilas, Caen", f"lea.martin{i}@exemple.fr"
        identites.append([ident, "Martin", "Léa", f"2nde {i % 12}", adresse, courriel])
    classeur.save(chemin)


def test_un_vrai_classeur_de_25000_eleves_passe(tmp_path):
    chemin = tmp_path / "eleves.xlsx"
    _classeur_reel(chemin, 25_000)
    verifier_classeur(chemin, "eleves.xlsx")  # ne lève rien
    with zipfile.ZipFile(chemin) as archive:
        total = sum(i.file_size for i in archive.infolist())
        taux = max(i.file_size / i.compress_size for i in archive.infolist())
    # La marge des seuils : au moins cinq fois ce classeur.
    assert 5 * total < bornes.LIMITE_DECOMPRESSE
    assert 5 * taux < bornes.LIMITE_TAUX


# Lancé par un petit processus intermédiaire : sous Linux, le ru_maxrss d'un enfant compte
# aussi la mémoire de son parent au moment du fork (celle de pytest) ; ici le parent est ce
# script de quelques Mo, ce qui rend la mesure prudente (un peu au-dessus du vrai).
MESUREUR = """
import os, subprocess, sys
enfant = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, statut, usage = os.wait4(enfant.pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(statut))
"""


def executer_en_mesurant(commande: list[str], env: dict[str, str]) -> tuple[int, str, int]:
    """Code de sortie, sortie d'erreur et mémoire de pointe (octets) de la commande."""
    fini = subprocess.run(
        [sys.executable, "-c", MESUREUR, *commande], env=env, capture_output=True, text=True
    )
    return fini.returncode, fini.stderr, int(fini.stdout.split()[-1]) * 1024  # Ko sous Linux


def test_stages_collectifs_import_refuse_la_bombe_sous_100_mo(tmp_path, bombe):
    dossier = tmp_path / "dossier"
    dossier.mkdir()
    (dossier / "session.json").write_text(SESSION_JSON, encoding="utf-8")
    (dossier / "session.xlsx").write_bytes(bombe.read_bytes())
    base = tmp_path / "base.sqlite3"
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="conf.settings.test", DATABASE_URL=f"sqlite:///{base}"
    )
    # Une base déjà en place (le cas normal) : la commande migrerait sinon une base neuve,
    # ce qui coûte à lui seul une centaine de Mo, sans rapport avec le classeur.
    racine = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, str(racine / "manage.py"), "migrate", "-v0"], env=env, check=True
    )
    script = str(Path(sys.executable).parent / "stages-collectifs")
    code, erreurs, pointe = executer_en_mesurant([script, "import", str(dossier)], env)
    assert code == 2, erreurs
    assert "session.xlsx : " in erreurs and "bombe de décompression" in erreurs
    assert "Traceback" not in erreurs
    print(f"mémoire de pointe : {pointe / MO:.0f} Mo")
    assert pointe < MEMOIRE_MAX, f"mémoire de pointe : {pointe / MO:.0f} Mo"
    # Tout ou rien : la base (migrée par la commande) ne contient aucune session.
    import sqlite3

    with sqlite3.connect(base) as connexion:
        assert connexion.execute("select count(*) from campagnes_session").fetchone() == (0,)


def test_temoin_la_mesure_voit_la_bombe_sans_la_garde(bombe):
    """Témoin : la même mesure, sur openpyxl seul (sans la garde), dépasse 300 Mo."""
    ouvrir = "import openpyxl, sys; openpyxl.load_workbook(sys.argv[1], read_only=True)"
    code, erreurs, pointe = executer_en_mesurant(
        [sys.executable, "-c", ouvrir, str(bombe)], dict(os.environ)
    )
    assert code == 0, erreurs
    assert pointe > 3 * MEMOIRE_MAX
