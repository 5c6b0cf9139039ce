"""Dépôt web des élèves borné : bombe de décompression, taille du fichier, lignes, champs.

La mémoire de pointe du dépôt web est mesurée avec tracemalloc, dans le processus du test
(il faut la base de test et un compte connecté). tracemalloc suffit ici : tout ce qui grossit
sur ce chemin passe par les allocateurs de Python qu'il suit — les chaînes et listes
d'openpyxl, les tampons de zlib (PyMem_RawMalloc) et ceux d'expat (PyObject_Malloc) ; le
témoin ci-dessous vérifie qu'il voit bien une décompression en mémoire. La même bombe passée
par `stages-collectifs import` est mesurée sur le processus entier
(tests/moteur/test_bornes_classeur.py).
"""

from __future__ import annotations

import tracemalloc
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.etablissements.models import Eleve
from apps.planification import depot_eleves
from apps.planification.models import Voeu
from tests.apps.etablissements.test_vues import csv_eleves
from tests.moteur.test_bornes_classeur import MEMOIRE_MAX, MO, fabriquer_bombe

pytestmark = pytest.mark.django_db
NOM_BOMBE = "élèves de seconde.xlsx"


@pytest.fixture(scope="module")
def bombe(tmp_path_factory) -> bytes:
    return fabriquer_bombe(tmp_path_factory.mktemp("bombe") / "bombe.xlsx").read_bytes()


def pointe_memoire(action: Callable[[], object]) -> tuple[object, int]:
    """Le résultat de `action` et la mémoire de pointe (octets) allouée pendant qu'elle tourne."""
    tracemalloc.start()
    try:
        resultat = action()
        _courante, pointe = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return resultat, pointe


def deposer(client, fichier: SimpleUploadedFile):
    return client.post(reverse("etablissements:depot"), {"eleves": fichier})


def test_temoin_tracemalloc_voit_une_decompression(bombe, tmp_path):
    chemin = tmp_path / "bombe.xlsx"
    chemin.write_bytes(bombe)

    def decompresser() -> int:
        with zipfile.ZipFile(chemin) as archive, archive.open("xl/sharedStrings.xml") as flux:
            return len(flux.read(MEMOIRE_MAX))

    lus, pointe = pointe_memoire(decompresser)
    assert lus == MEMOIRE_MAX and pointe >= MEMOIRE_MAX


def test_bombe_deposee_refusee_sous_100_mo(connecte, session, lycee, projets, bombe):
    fichier = SimpleUploadedFile(NOM_BOMBE, bombe)
    reponse, pointe = pointe_memoire(lambda: deposer(connecte, fichier))
    print(f"mémoire de pointe du dépôt web : {pointe / MO:.1f} Mo")
    assert pointe < MEMOIRE_MAX, f"{pointe / MO:.0f} Mo"
    assert reponse.status_code == 400
    [probleme] = reponse.context["problemes"]
    assert probleme.fichier == NOM_BOMBE
    assert "bombe de décompression" in probleme.message
    assert "bombe de décompression" in reponse.content.decode()
    assert Eleve.objects.count() == 0


def test_fichier_trop_gros_refuse_par_le_formulaire(connecte, session, lycee, projets, monkeypatch):
    monkeypatch.setattr(depot_eleves, "TAILLE_MAX", 100)
    fichier = csv_eleves("E1,0141555P,2010-03-01,F,,P01,1", "E2,0141555P,2010-03-01,F,,P01,0")
    reponse = deposer(connecte, fichier)
    assert reponse.status_code == 200  # formulaire invalide, rien de lu
    [erreur] = reponse.context["formulaire"].errors["eleves"]
    assert erreur.startswith("eleves.csv : le fichier pèse 0,0 Mo, plus que la limite")
    assert "eleves.csv : le fichier pèse" in reponse.content.decode()
    assert Eleve.objects.count() == 0


def test_taille_max_par_defaut_vingt_mo(connecte, session, lycee, projets):
    fichier = SimpleUploadedFile("eleves.csv", b"id\n" + b"x" * (20 * MO))
    reponse = deposer(connecte, fichier)
    [erreur] = reponse.context["formulaire"].errors["eleves"]
    assert "20,0 Mo, plus que la limite de 20 Mo" in erreur


def test_trop_de_lignes_csv_rien_n_est_ecrit(connecte, session, lycee, projets, monkeypatch):
    monkeypatch.setattr(depot_eleves, "LIGNES_MAX", 3)
    lignes = [f"E{i},0141555P,2010-03-01,F,,P01,0" for i in range(1, 4)]
    reponse = deposer(connecte, csv_eleves(*lignes))
    assert reponse.status_code == 400
    [probleme] = reponse.context["problemes"]
    assert (probleme.fichier, probleme.ligne) == ("eleves.csv", 4)
    assert "dépasse 3 lignes" in probleme.message
    assert Eleve.objects.count() == 0 and Voeu.objects.count() == 0


def test_trois_lignes_permises_passent(connecte, session, lycee, projets, monkeypatch):
    monkeypatch.setattr(depot_eleves, "LIGNES_MAX", 3)
    lignes = [f"E{i},0141555P,2010-03-01,F,,P01,0" for i in range(1, 3)]
    assert deposer(connecte, csv_eleves(*lignes)).status_code == 302
    assert Eleve.objects.count() == 2


def test_champ_demesure_refuse_avec_sa_ligne(connecte, session, lycee, projets):
    enorme = '"' + "x" * 200_000 + '"'
    fichier = csv_eleves("E1,0141555P,2010-03-01,F,,P01,0", f"E2,0141555P,{enorme},F,,P01,0")
    reponse = deposer(connecte, fichier)
    assert reponse.status_code == 400
    [probleme] = reponse.context["problemes"]
    assert (probleme.fichier, probleme.ligne) == ("eleves.csv", 3)
    assert "un champ dépasse 131\u202f072 caractères" in probleme.message
    assert Eleve.objects.count() == 0
