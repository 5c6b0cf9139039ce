"""Domiciles à la précision de la commune, sauf motif : dépôt web et import en ligne."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from apps.etablissements.models import Eleve
from apps.etablissements.positions import position_domicile
from apps.planification.importation import importer_dossier
from apps.territoires.models import Commune
from tests.apps.conftest import COMMUNES_DOSSIER_MOTEUR, creer_communes
from tests.apps.etablissements.test_vues import csv_eleves
from tests.moteur.conftest import ELEVES_CSV, ecrire_dossier

pytestmark = pytest.mark.django_db
ENTETE = "id,uai,date_naissance,genre,commune_insee,latitude,longitude,voeux,motif_position_precise"


def test_position_domicile():
    assert position_domicile((49.0, -0.3), 49.2, -0.37, "").latitude == 49.0
    assert position_domicile((49.0, -0.3), None, None, "garde alternée").motif == ""
    precise = position_domicile((49.0, -0.3), 49.2, -0.37, "  commune étendue ")
    assert (precise.latitude, precise.longitude, precise.motif) == (49.2, -0.37, "commune étendue")


def test_depot_web_centre_de_commune_sauf_motif(connecte, session, lycee, projets):
    commune = Commune.objects.get(pk=lycee.commune_id)
    fichier = csv_eleves(
        f"E1,0141555P,2010-03-01,F,{commune.code},49.2,-0.37,P01,",
        f"E2,0141555P,2010-03-01,F,{commune.code},49.2,-0.37,P01,domicile isolé à 9 km du bourg",
        "E3,0141555P,2010-03-01,F,,,,P01,",
        entete=ENTETE,
    )
    reponse = connecte.post(reverse("etablissements:depot"), {"eleves": fichier})
    assert reponse.status_code == 302
    e1, e2, e3 = Eleve.objects.order_by("identifiant")
    centre = (commune.latitude, commune.longitude)
    assert (e1.latitude, e1.longitude, e1.motif_position_precise) == (*centre, "")
    assert (e2.latitude, e2.longitude) == (49.2, -0.37)
    assert e2.motif_position_precise == "domicile isolé à 9 km du bourg"
    # Sans commune : celle de l'établissement, à son centre (pas la position du lycée).
    assert (e3.commune_id, e3.latitude, e3.longitude) == (commune.code, *centre)


def test_depot_web_motif_trop_long_rien_n_est_ecrit(connecte, session, lycee, projets):
    fichier = csv_eleves(f"E1,0141555P,2010-03-01,F,,49.2,-0.37,P01,{'x' * 301}", entete=ENTETE)
    reponse = connecte.post(reverse("etablissements:depot"), {"eleves": fichier})
    assert reponse.status_code == 400
    [p] = reponse.context["problemes"]
    assert (p.ligne, p.colonne) == (2, "motif_position_precise")
    assert Eleve.objects.count() == 0


def test_import_centre_de_commune_sauf_motif(tmp_path: Path):
    creer_communes(COMMUNES_DOSSIER_MOTEUR)
    lignes = ELEVES_CSV.splitlines()
    avec_motif = [lignes[0] + ",motif_position_precise"] + [
        ligne + (",hébergé en internat loin du centre" if ligne.startswith("E03,") else ",")
        for ligne in lignes[1:]
    ]
    dossier = ecrire_dossier(tmp_path / "d", eleves="\n".join(avec_motif) + "\n")
    session = importer_dossier(dossier).session
    eleves = {e.identifiant: e for e in Eleve.objects.filter(session=session)}
    precises = {i for i, e in eleves.items() if e.motif_position_precise}
    assert precises == {"E03"}
    for identifiant, eleve in eleves.items():
        if identifiant != "E03":
            commune = Commune.objects.get(pk=eleve.commune_id)
            assert (eleve.latitude, eleve.longitude) == (commune.latitude, commune.longitude)
    assert (eleves["E03"].latitude, eleves["E03"].longitude) == (49.19, -0.36)
