"""Emploi du temps d'un élève dans l'espace de l'établissement : avec le flux GTFS de la
session, le trajet de chaque jour vers la structure (départ, lignes, arrivée), calculé par
`moteur.documents.trajets_de_l_eleve` comme pour le .ics ; sans flux, rien.

Petit flux de tests/moteur/transport/flux.py, horaires du mardi 16/06/2026, 90 min au plus.
Réponses à la main (tests/moteur/transport/test_documents_trajets.py) : élève en O ;
« Atelier Y » (900 m au nord, 9 h) : à pied, 900 m à vol d'oiseau × 1,3 = 1 170 m à
4,5 km/h = 936 s → départ 08:44:24, arrivée 09:00, 16 min ; « Usine X » (15 400 m, 9 h 10) : départ
08:04:48, ligne 1 de A (08:10) à B (08:25), marche B → C, ligne 2 de C (08:40) à D
(09:00), marche jusqu'à X → arrivée 09:06:56, 66 min ; « Usine Z » (au même point, 9 h) :
rien n'y arrive pour 9 h."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.urls import reverse

from apps.campagnes.models import Session
from apps.journal.models import EntreeJournal
from tests.apps.fabriques import (
    AffectationFactory,
    CreneauFactory,
    EleveFactory,
    GroupeFactory,
    ProjetFactory,
    StructureAccueilFactory,
)
from tests.apps.mobilite.branchements import televerser_le_petit_flux
from tests.moteur.transport.flux import LON, lat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dossiers(settings, tmp_path, monkeypatch):
    settings.MOBILITE_DOSSIER_GTFS = tmp_path / "gtfs"
    monkeypatch.setenv("STAGES_CACHE_TRANSPORT", str(tmp_path / "cache"))


def eleve_place(session, lycee):
    """Un élève domicilié en O, placé ; programme : Y le 15, X le 16, Z le 17."""
    structures = [
        StructureAccueilFactory(
            session=session, nom=nom, latitude=lat(metres), longitude=LON, heure_debut=debut
        )
        for nom, metres, debut in (
            ("Atelier Y", 900, time(9, 0)),
            ("Usine X", 15400, time(9, 10)),
            ("Usine Z", 15400, time(9, 0)),
        )
    ]
    projet = ProjetFactory(session=session, latitude=lat(0), longitude=LON, statut="publie")
    groupe = GroupeFactory(projet=projet, libelle="Groupe A")
    for jour, structure in zip((15, 16, 17), structures, strict=True):
        CreneauFactory(groupe=groupe, date=date(2026, 6, jour), structure=structure)
    eleve = EleveFactory(
        session=session, etablissement=lycee, identifiant="E042", latitude=lat(0), longitude=LON
    )
    AffectationFactory(eleve=eleve, projet=projet, groupe=groupe, publiee=True)
    session.statut = Session.Statut.PUBLIEE
    session.save(update_fields=["statut"])
    return eleve


def lignes_du_tableau(page: str) -> list[list[str]]:
    corps = page.split('<table class="donnees trajets">', 1)[1].split("<tbody>", 1)[1]
    corps = corps.split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", ligne) for ligne in corps.split("</tr>")[:-1]]


def test_sans_flux_aucun_trajet(connecte, session, lycee):
    eleve = eleve_place(session, lycee)
    page = connecte.get(reverse("etablissements:emploi_du_temps", args=[lycee.uai, eleve.pk]))
    contenu = page.content.decode()
    assert "Usine X" in contenu  # l'emploi du temps est là
    assert page.context["trajets"] is None
    assert 'id="trajets"' not in contenu
    assert "transport en commun" not in contenu and "Départ" not in contenu


def test_avec_flux_le_trajet_de_chaque_jour(connecte, session, lycee, tmp_path):
    eleve = eleve_place(session, lycee)
    televerser_le_petit_flux(session, tmp_path)
    url = reverse("etablissements:emploi_du_temps", args=[lycee.uai, eleve.pk])
    contenu = connecte.get(url).content.decode()
    assert '<h2 id="titre-trajets">Trajets en transport en commun</h2>' in contenu
    assert "en 90 min au plus, en transport en commun ou à pied, selon les horaires du " in (
        contenu
    )
    assert "horaires du mardi 16 juin 2026" in contenu
    assert lignes_du_tableau(contenu) == [
        [
            "lundi 15 juin",
            "Atelier Y (09h00)",
            "08:44",
            "à pied",
            "09:00 (16 min)",
            "à pied (900 m)",  # la distance à vol d'oiseau,
        ],
        [
            "mardi 16 juin",
            "Usine X (09h10)",
            "08:04",
            "lignes 1 puis 2",
            "09:07 (66 min)",
            "ligne 1 de Arrêt A (08:10) à Arrêt B (08:25) ; "
            "ligne 2 de Arrêt C (08:40) à Arrêt D (09:00)",
        ],
        [
            "mercredi 17 juin",
            "Usine Z (09h00)",
            "Aucun trajet en transport en commun ou à pied n'arrive à temps en 90 min au "
            "plus : voyez avec le référent du groupe.",
        ],
    ]
    assert contenu.count('class="trajet-impossible"') == 1
    # La consultation est consignée (identifiant pseudonyme), comme avant.
    entree = EntreeJournal.objects.latest("pk")
    assert entree.objet == "fiche et emploi du temps de l'élève E042"


def test_resultats_non_publies_pas_de_trajet(connecte, session, lycee, tmp_path):
    eleve = eleve_place(session, lycee)
    session.statut = Session.Statut.VOEUX
    session.save(update_fields=["statut"])
    televerser_le_petit_flux(session, tmp_path)
    page = connecte.get(reverse("etablissements:emploi_du_temps", args=[lycee.uai, eleve.pk]))
    assert page.context["trajets"] is None
    assert "Usine X" not in page.content.decode()


def test_flux_disparu_rien_de_faux(connecte, session, lycee, tmp_path):
    eleve = eleve_place(session, lycee)
    flux = televerser_le_petit_flux(session, tmp_path)
    flux.chemin.unlink()
    page = connecte.get(reverse("etablissements:emploi_du_temps", args=[lycee.uai, eleve.pk]))
    assert page.status_code == 200
    assert page.context["trajets"] is None
    assert 'id="trajets"' not in page.content.decode()


def test_noms_de_structure_echappes(connecte, session, lycee, tmp_path):
    eleve = eleve_place(session, lycee)
    from apps.structures.models import StructureAccueil

    StructureAccueil.objects.filter(nom="Usine X").update(nom="<b>Usine</b>")
    televerser_le_petit_flux(session, tmp_path)
    url = reverse("etablissements:emploi_du_temps", args=[lycee.uai, eleve.pk])
    contenu = connecte.get(url).content.decode()
    assert "<b>Usine</b>" not in contenu
    assert "&lt;b&gt;Usine&lt;/b&gt; (09h10)" in contenu
