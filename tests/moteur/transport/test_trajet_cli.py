"""`stages-collectifs trajet` : sortie, dernière ligne `duree_min`, erreurs d'entrée (code 2).

La commande est branchée sur `cli.main` par la ligne `"trajet": "moteur.commandes.trajet"`
de `cli.COMMANDES` ; le test l'ajoute lui-même (monkeypatch) tant qu'elle n'y est pas.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import cli
from tests.moteur.transport.flux import TABLES, ecrire_flux, point


@pytest.fixture(autouse=True)
def _commande(monkeypatch):
    monkeypatch.setitem(cli.COMMANDES, "trajet", "moteur.commandes.trajet")


def lancer(capsys, tmp_path: Path, flux, *options: str) -> tuple[int, str, str]:
    code = cli.main(["trajet", str(flux), "--cache", str(tmp_path / "cache"), *options])
    sortie = capsys.readouterr()
    return code, sortie.out, sortie.err


def options(jour="2026-06-16", depart="08:00", de=0.0, vers=15400.0) -> list[str]:
    return ["--date", jour, "--depart", depart, "--de", point(de), "--vers", point(vers)]


def test_itineraire_imprime(capsys, tmp_path, flux):
    code, out, err = lancer(capsys, tmp_path, flux, *options())
    assert code == 0, err
    lignes = out.splitlines()
    assert lignes == [
        "Trajet du 16/06/2026, départ 08:00",
        "08:00 → 08:05:12  à pied jusqu'à l'arrêt Arrêt A (300 m)",
        "08:10 → 08:25  ligne 1 (direction Arrêt B) : de Arrêt A à Arrêt B",
        "08:25 → 08:35:24  à pied de l'arrêt Arrêt B à l'arrêt Arrêt C (600 m)",
        "08:40 → 09:00  ligne 2 (direction Arrêt D) : de Arrêt C à Arrêt D",
        "09:00 → 09:06:56  à pied de l'arrêt Arrêt D jusqu'à la destination (400 m)",
        "Arrivée à 09:06:56.",
        "duree_min: 67",
    ]


def test_nuit_et_aucun(capsys, tmp_path, flux):
    code, out, _ = lancer(capsys, tmp_path, flux, *options(depart="23:30"))
    assert code == 0
    assert "23:50 → 00:40 (lendemain)  ligne N" in out
    assert out.splitlines()[-1] == "duree_min: 77"
    code, out, _ = lancer(capsys, tmp_path, flux, *options(depart="23:55"))
    assert code == 0
    assert out.splitlines()[-1] == "duree_min: aucun"


def test_marche_directe(capsys, tmp_path, flux):
    code, out, _ = lancer(capsys, tmp_path, flux, *options(vers=900))
    assert code == 0
    assert "08:00 → 08:15:36  à pied jusqu'à la destination (900 m)" in out
    assert out.splitlines()[-1] == "duree_min: 16"


def test_le_cache_sert_la_deuxieme_fois(capsys, tmp_path, flux):
    lancer(capsys, tmp_path, flux, *options())
    caches = list((tmp_path / "cache").iterdir())
    assert len(caches) == 1 and caches[0].name.endswith("-2026-06-16-v1.bin")
    # Le cache ne dépend pas du nom : le même contenu sous un autre nom le réutilise.
    copie = tmp_path / "copie.zip"
    copie.write_bytes(flux.read_bytes())
    code, out, _ = lancer(capsys, tmp_path, copie, *options())
    assert code == 0 and out.splitlines()[-1] == "duree_min: 67"
    assert len(list((tmp_path / "cache").iterdir())) == 1


def _erreur(capsys, tmp_path, flux, *opts: str) -> str:
    code, out, err = lancer(capsys, tmp_path, flux, *(opts or options()))
    assert code == 2, out
    assert "Traceback" not in err and err.startswith("Erreur : ")
    return err


def test_archive_cassee(capsys, tmp_path):
    casse = tmp_path / "casse.zip"
    casse.write_bytes(b"PK\x03\x04 ceci n'est pas un zip")
    assert "casse.zip : ce n'est pas une archive zip lisible" in _erreur(capsys, tmp_path, casse)


def test_fichier_introuvable(capsys, tmp_path):
    assert "absent.zip : fichier introuvable" in _erreur(capsys, tmp_path, tmp_path / "absent.zip")


def test_table_manquante(capsys, tmp_path):
    flux = ecrire_flux(tmp_path / "f.zip", stop_times=None)
    err = _erreur(capsys, tmp_path, flux)
    assert "f.zip : fichier obligatoire « stop_times.txt » absent de l'archive" in err


def test_colonne_manquante(capsys, tmp_path):
    sans = TABLES["stop_times.txt"].replace(",departure_time", "", 1)
    flux = ecrire_flux(tmp_path / "f.zip", stop_times=sans)
    err = _erreur(capsys, tmp_path, flux)
    assert (
        "f.zip › stop_times.txt, ligne 1, colonne « departure_time » : "
        "colonne obligatoire absente de l'en-tête"
    ) in err


def test_heure_invalide_nommee_par_ligne(capsys, tmp_path):
    faux = TABLES["stop_times.txt"].replace("1a,08:25:00,08:25:00", "1a,08:25:00,8h25", 1)
    flux = ecrire_flux(tmp_path / "f.zip", stop_times=faux)
    err = _erreur(capsys, tmp_path, flux)
    # en-tête ligne 1, 1b ligne 2 et 3, 1a lignes 4 et 5
    assert "stop_times.txt, ligne 5, colonne « departure_time » : heure invalide « 8h25 »" in err


def test_arret_inconnu_et_heure_qui_recule(capsys, tmp_path):
    faux = TABLES["stop_times.txt"].replace("2a,08:55:00,08:55:00,D", "2a,08:55:00,08:55:00,Q")
    err = _erreur(capsys, tmp_path, ecrire_flux(tmp_path / "f.zip", stop_times=faux))
    assert "stop_times.txt, ligne 7, colonne « stop_id » : stop_id « Q » absent" in err
    faux = TABLES["stop_times.txt"].replace("1a,08:25:00,08:25:00", "1a,08:05:00,08:05:00")
    err = _erreur(capsys, tmp_path, ecrire_flux(tmp_path / "g.zip", stop_times=faux))
    assert "stop_times.txt, ligne 5, colonne « arrival_time » : l'heure recule" in err


def test_coordonnee_invalide(capsys, tmp_path):
    faux = TABLES["stops.txt"].replace(",Arrêt B,", ",Arrêt B,abc", 1)
    err = _erreur(capsys, tmp_path, ecrire_flux(tmp_path / "f.zip", stops=faux))
    assert "stops.txt, ligne 3, colonne « stop_lat » : nombre invalide" in err


def test_pas_utf8(capsys, tmp_path):
    faux = (
        TABLES["stops.txt"].encode("utf-8").replace("Arrêt C".encode(), "Arrêt C".encode("cp1252"))
    )
    chemin = tmp_path / "f.zip"
    with zipfile.ZipFile(chemin, "w") as archive:
        for nom, contenu in TABLES.items():
            archive.writestr(nom, faux if nom == "stops.txt" else contenu.encode())
    assert "stops.txt, ligne 4 : le fichier n'est pas en UTF-8" in _erreur(capsys, tmp_path, chemin)


def test_date_hors_service(capsys, tmp_path, flux):
    err = _erreur(capsys, tmp_path, flux, *options(jour="2026-09-01"))
    assert "date 01/09/2026 hors de la période du flux (du 01/06/2026 au 31/07/2026)" in err


@pytest.mark.parametrize(
    ("option", "valeur", "attendu"),
    [
        ("--date", "16/06/2026", "option --date : date « 16/06/2026 » invalide"),
        ("--depart", "8h", "option --depart : heure « 8h » invalide"),
        ("--de", "49.2", "option --de : point « 49.2 » invalide"),
        ("--vers", "95,1", "option --vers : point « 95,1 » hors des coordonnées possibles"),
    ],
)
def test_options_invalides(capsys, tmp_path, flux, option, valeur, attendu):
    opts = options()
    opts[opts.index(option) + 1] = valeur
    assert attendu in _erreur(capsys, tmp_path, flux, *opts)


def test_jour_sans_service_avertit(capsys, tmp_path, flux):
    # Dimanche 21 juin : dans la période, aucun service ; la marche directe reste.
    code, out, err = lancer(capsys, tmp_path, flux, *options(jour="2026-06-21", vers=900))
    assert code == 0
    assert "aucun service ne circule le 21/06/2026" in err
    assert out.splitlines()[-1] == "duree_min: 16"
