"""Travaux de fond (backend immédiat en test) : affectation puis programmes."""

from __future__ import annotations

import pytest

from apps.campagnes.models import Session
from apps.planification import taches
from apps.planification.models import Affectation, Travail
from apps.projets.models import Creneau, Groupe, Projet
from moteur.affectation.principal import RAISON_COMPLETS, RAISON_DISTANCE
from tests.apps.fabriques import (
    CommuneFactory,
    EleveFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    VoeuFactory,
)

pytestmark = pytest.mark.django_db


def session_planifiable(places=(3, 2), eleves=6, loin=False):
    """Deux projets validés près de Caen ; des élèves qui demandent P1 puis P2."""
    session = SessionFactory(statut=Session.Statut.VOEUX)
    commune = CommuneFactory()
    projets = []
    for i, n in enumerate(places, start=1):
        structures = [
            StructureAccueilFactory(session=session, commune=commune, accueil_max=5, domaines=d)
            for d in ("H", "J")
        ]
        projets.append(
            ProjetFactory(
                session=session,
                identifiant=f"P{i}",
                places=n,
                commune=commune,
                statut=Projet.Statut.VALIDE,
                structures=structures,
            )
        )
    domicile = CommuneFactory(latitude=49.64, longitude=-1.62) if loin else commune
    for _ in range(eleves):
        eleve = EleveFactory(
            session=session,
            commune=domicile,
            latitude=domicile.latitude,
            longitude=domicile.longitude,
        )
        VoeuFactory(eleve=eleve, projet=projets[0], rang=1)
        VoeuFactory(eleve=eleve, projet=projets[1], rang=2)
    return session, projets


@pytest.mark.parametrize("politique", ["stable", "optimal"])
def test_affectation_en_tache_de_fond(politique):
    session, projets = session_planifiable()
    travail = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": politique})
    assert travail.etat == Travail.Etat.TERMINE, travail.message
    assert travail.progression == 1.0
    assert travail.termine_le is not None
    assert f"Allocation « {politique} »" in travail.rapport
    affectations = Affectation.objects.filter(eleve__session=session)
    assert affectations.count() == 6
    par_projet = {p.identifiant: affectations.filter(projet=p).count() for p in projets}
    assert par_projet == {"P1": 3, "P2": 2}
    assert affectations.filter(projet=projets[0]).exclude(rang=1).count() == 0
    non_place = affectations.get(projet__isnull=True)
    assert non_place.raison == RAISON_COMPLETS[politique]
    assert not affectations.filter(publiee=True).exists()
    session.refresh_from_db()
    assert session.statut == Session.Statut.AFFECTATION


def test_eleves_trop_loin_non_places_avec_raison():
    session, _ = session_planifiable(loin=True, eleves=2)
    travail = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    assert travail.etat == Travail.Etat.TERMINE
    raisons = set(Affectation.objects.values_list("raison", flat=True))
    assert raisons == {RAISON_DISTANCE.format(dmax=session.distance_max_km)}


def test_programmes_apres_affectation():
    session, _projets = session_planifiable()
    taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    travail = taches.lancer(session, Travail.Type.PROGRAMMES, {"limite_s": 5})
    assert travail.etat == Travail.Etat.TERMINE, travail.message
    assert Groupe.objects.filter(projet__session=session).exists()
    jours = len(session.jours_ouvres)
    for groupe in Groupe.objects.filter(projet__session=session):
        assert groupe.creneaux.count() == jours
        structures = set(groupe.projet.structures.values_list("pk", flat=True))
        assert set(groupe.creneaux.values_list("structure_id", flat=True)) <= structures
    places = Affectation.objects.filter(eleve__session=session, projet__isnull=False)
    assert not places.filter(groupe__isnull=True).exists()
    # la raison du non-placé survit au recalcul des programmes
    assert Affectation.objects.get(projet__isnull=True).raison == RAISON_COMPLETS["stable"]
    assert Creneau.objects.filter(groupe__projet__session=session).count() == (
        jours * Groupe.objects.filter(projet__session=session).count()
    )


def test_programmes_sans_affectation_echouent_proprement():
    session, _ = session_planifiable()
    travail = taches.lancer(session, Travail.Type.PROGRAMMES, {})
    assert travail.etat == Travail.Etat.ECHEC
    assert "affectation" in travail.message


def test_session_sans_projet_valide_echec_lisible():
    session = SessionFactory()
    travail = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    assert travail.etat == Travail.Etat.ECHEC
    assert "projet validé" in travail.message


def test_erreur_inattendue_ne_fuit_pas(monkeypatch):
    session, _ = session_planifiable()

    def panne(*args, **kwargs):
        raise RuntimeError("E00001 secret")

    monkeypatch.setattr("moteur.planificateur.planifier", panne)
    travail = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    assert travail.etat == Travail.Etat.ECHEC
    assert "secret" not in travail.message
    assert Affectation.objects.count() == 0


def test_la_progression_est_ecrite_en_cours_de_route(monkeypatch):
    session, _ = session_planifiable()
    vues: list[float] = []
    original = taches.Suivi.__call__

    def espion(self, progression, message=None):
        original(self, progression, message)
        vues.append(Travail.objects.get(pk=self.travail.pk).progression)

    monkeypatch.setattr(taches.Suivi, "__call__", espion)
    taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "optimal"})
    assert len(vues) >= 4
    assert vues == sorted(vues) and 0 < vues[0] < vues[-1] < 1
