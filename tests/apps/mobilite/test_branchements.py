"""Le flux GTFS téléversé, branché : session du moteur, vigilance « mobilité », distances
du porteur. Réponses à la main : voir tests/apps/mobilite/branchements.py et
tests/moteur/transport/test_mobilite.py (mêmes lieux sur le petit flux)."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

from apps.planification.lecture_moteur import session_moteur
from apps.projets.distances import trajets
from apps.projets.vigilance import points_de_vigilance
from moteur.vigilance import Etat
from tests.apps.fabriques import MOT_DE_PASSE, UtilisateurFactory
from tests.apps.mobilite.branchements import projet_sur_le_petit_flux, televerser_le_petit_flux

pytestmark = pytest.mark.django_db


def mobilite(projet):
    return next(p for p in points_de_vigilance(projet) if p.code == "mobilite")


def test_la_session_du_moteur_porte_le_flux(tmp_path):
    projet = projet_sur_le_petit_flux()
    assert session_moteur(projet.session).parametres.transport is None
    flux = televerser_le_petit_flux(projet.session, tmp_path)
    transport = session_moteur(projet.session).parametres.transport
    assert transport is not None
    assert (transport.gtfs, transport.jour, transport.duree_max_min) == (
        flux.chemin,
        flux.jour_utilise,
        90,
    )
    assert session_moteur(projet.session, transport=False).parametres.transport is None
    # Fichier disparu du serveur : vol d'oiseau seulement, et un avertissement le dit.
    flux.chemin.unlink()
    donnees = session_moteur(projet.session)
    assert donnees.parametres.transport is None
    assert any("reseau.zip » est introuvable" in a for a in donnees.avertissements)


def test_sans_flux_la_vigilance_le_dit(tmp_path):
    point = mobilite(projet_sur_le_petit_flux())
    assert point.horaires is None
    assert "Estimation à vol d'oiseau, sans horaires" in point.raison
    assert "en transport" not in point.raison


def test_vigilance_avec_le_flux_signale_le_jour(tmp_path):
    projet = projet_sur_le_petit_flux()
    televerser_le_petit_flux(projet.session, tmp_path)
    point = mobilite(projet)
    assert point.etat == Etat.ALERTE
    assert (
        "Le 16/06, le groupe B ne peut pas aller de Usine X à Atelier Y pour 9 h "
        "(en transport en commun ou à pied, en 90 min au plus)." in point.raison
    )
    lignes = [(t.groupe, t.de, t.vers, t.duree_min, t.lignes) for t in point.horaires.tous]
    # O → Y à pied 16 min ; O → X 66 min (lignes 1 puis 2) ; Y → X pour 9 h 10 : 71 min.
    assert lignes == [
        ("", "Point de rendez-vous", "Atelier Y", 16, "à pied"),
        ("", "Point de rendez-vous", "Usine X", 66, "lignes 1 puis 2"),
        ("A", "Atelier Y", "Usine X", 71, "lignes 1 puis 2"),
        ("B", "Usine X", "Atelier Y", None, "—"),
    ]


def test_distances_du_porteur_en_vrais_horaires(tmp_path):
    projet = projet_sur_le_petit_flux(programme=False)
    sans = trajets(projet, list(projet.structures.order_by("nom")))
    assert all(not t.avec_horaires for t in sans)
    televerser_le_petit_flux(projet.session, tmp_path)
    avec = trajets(projet, list(projet.structures.order_by("nom")))
    resumes = {(t.depart, t.arrivee): t.horaire.resume if t.horaire else None for t in avec}
    assert resumes == {
        ("Point de rendez-vous", "Usine X"): (
            "départ 08:04, lignes 1 puis 2, arrivée 09:07 (66 min)"
        ),
        ("Atelier Y", "Usine X"): "départ 07:59, lignes 1 puis 2, arrivée 09:07 (71 min)",
        ("Point de rendez-vous", "Atelier Y"): "départ 08:44, à pied, arrivée 09:00 (16 min)",
    }
    assert {t.jour_horaires_texte for t in avec} == {"mardi 16/06/2026"}


def test_fiche_du_projet(client, tmp_path):
    porteur = UtilisateurFactory(porteur=True)
    projet = projet_sur_le_petit_flux(gestionnaires=[porteur])
    client.login(username=porteur.username, password=MOT_DE_PASSE)
    page = client.get(reverse("projets:detail", args=[projet.pk])).content.decode()
    assert "Estimation à vol d'oiseau, sans horaires" in page
    assert "en transport)" not in page and "≈ 10 min" not in page
    televerser_le_petit_flux(projet.session, tmp_path)
    page = client.get(reverse("projets:detail", args=[projet.pk])).content.decode()
    assert "Trajets réels (horaires du mardi 16/06/2026)" in page
    assert "ligne 1 de Arrêt A (08:10) à Arrêt B (08:25)" in page
    assert "pas à temps" in page


def test_ics_de_l_eleve_avec_le_trajet_du_jour(tmp_path):
    from apps.conventions.services import ics_eleve
    from apps.projets.models import Groupe
    from tests.apps.fabriques import AffectationFactory, EleveFactory
    from tests.moteur.transport.flux import LON, lat

    projet = projet_sur_le_petit_flux()
    eleve = EleveFactory(session=projet.session, latitude=lat(0), longitude=LON)
    groupe = Groupe.objects.get(projet=projet, libelle="A")
    AffectationFactory(eleve=eleve, projet=projet, groupe=groupe)
    sans = ics_eleve(eleve)
    assert sans is not None and b"Trajet" not in sans
    televerser_le_petit_flux(projet.session, tmp_path)
    calendrier = icalendar.Calendar.from_ical(ics_eleve(eleve))
    descriptions = [str(e["description"]) for e in calendrier.walk("VEVENT")]
    # Le 15 : Atelier Y à pied (16 min) ; le 16 : Usine X, lignes 1 puis 2 (66 min).
    assert "départ 08:44, à pied, arrivée 09:00 (16 min)" in descriptions[0]
    assert "départ 08:04, lignes 1 puis 2, arrivée 09:07 (66 min)" in descriptions[1]
    assert "horaires du mardi 16 juin 2026" in descriptions[1]


def test_lot_de_la_ligne_de_commande_avec_le_flux(tmp_path):
    """`conventions` (ligne de commande) sur un dossier avec `gtfs` : le .ics a le trajet."""
    from datetime import date, time

    from apps.conventions.lots import ecrire_lot
    from moteur.modele import ParametresTransport
    from tests.moteur.transport.flux import ecrire_flux
    from tests.moteur.transport.test_documents_trajets import session_et_plan

    flux = ecrire_flux(tmp_path / "reseau.zip")
    session, plan = session_et_plan(flux)
    session.parametres.transport = ParametresTransport(
        flux, "reseau.zip", 90, time(9), date(2026, 6, 16)
    )
    ecrire_lot(session, plan, tmp_path / "sortie")
    ics = (tmp_path / "sortie" / "E1.ics").read_bytes()
    calendrier = icalendar.Calendar.from_ical(ics)
    descriptions = [str(e["description"]) for e in calendrier.walk("VEVENT")]
    assert "départ 08:04, lignes 1 puis 2, arrivée 09:07 (66 min)" in descriptions[1]


def test_reseau_pretraite_au_televersement_et_au_changement_de_jour(tmp_path):
    from apps.mobilite.services import dossier_cache, horaires

    projet = projet_sur_le_petit_flux(programme=False)
    assert horaires(projet.session) is None
    flux = televerser_le_petit_flux(projet.session, tmp_path)
    jours = sorted(f.name.split("-", 1)[1][:10] for f in dossier_cache().glob("*.bin"))
    # Téléversement : le lundi 15 (jour par défaut) ; réglage : le mardi 16.
    assert jours == ["2026-06-15", "2026-06-16"]
    donnees = horaires(projet.session)
    assert donnees is not None and donnees.jour == flux.jour_utilise
    assert horaires(projet.session).reseau is donnees.reseau  # gardé en mémoire
