"""Le jeu de démonstration : chargé une fois pour le module (référentiel compris, ~30 s)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest
from django.db import transaction

import cli
from apps.campagnes.models import Session
from apps.comptes.models import Role, Utilisateur
from apps.etablissements.models import Eleve, Etablissement, IdentiteEleve
from apps.planification import demo, lecture_moteur
from apps.planification.models import Voeu
from apps.projets.models import Porteur, Projet
from apps.structures.models import StructureAccueil
from moteur.distances import haversine_km
from moteur.referentiel import CODES_NORMANDIE

NB_ELEVES = 400

pytestmark = [pytest.mark.django_db, pytest.mark.lent]


@pytest.fixture(scope="module")
def rapport(django_db_setup, django_db_blocker):
    """La démo chargée une seule fois ; tout est annulé à la fin du module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.charger_demo(nb_eleves=NB_ELEVES)
        transaction.set_rollback(True)


@pytest.fixture
def session(rapport) -> Session:
    return Session.objects.get(pk=rapport.session.pk)


def test_session_de_demo(session: Session, rapport) -> None:
    assert not rapport.deja_chargee
    assert session.nom == "Stages collectifs de seconde 2026"
    assert (session.date_debut, session.date_fin) == (date(2026, 6, 15), date(2026, 6, 26))
    assert session.distance_max_km == 25 and len(session.jours_ouvres) == 10
    assert session.est_demo and session.statut == Session.Statut.VOEUX


def test_les_26_projets_de_la_carte_tous_de_demo(session: Session) -> None:
    with (demo.DONNEES / "carte-projets-2025-12-15.csv").open(encoding="utf-8") as fichier:
        carte = {ligne["id"]: ligne for ligne in csv.DictReader(fichier)}
    projets = {p.identifiant: p for p in Projet.objects.filter(session=session)}

    assert sorted(projets) == sorted(carte) and len(projets) == 26
    assert all(p.est_demo for p in projets.values())
    assert {i: p.nom for i, p in projets.items()} == {i: c["nom"] for i, c in carte.items()}
    assert {i: p.type for i, p in projets.items()} == {i: c["type"] for i, c in carte.items()}
    for ident, ligne in carte.items():  # les places données par la carte sont respectées
        if ligne["places"]:
            assert projets[ident].places == int(ligne["places"]), ident
    statuts = Counter(p.statut for p in projets.values())
    # La carte de travail de l'agence : les 26 projets sont publiés sur la carte régionale.
    assert statuts == {Projet.Statut.PUBLIE: 26}
    assert all(p.porteur and p.porteur.est_demo for p in projets.values())
    assert sum(bool(p.outil_pedagogique) for p in projets.values()) >= 20


def test_structures_plausibles_et_suffisantes(session: Session) -> None:
    jours = session.jours_ouvres
    for projet in Projet.objects.filter(session=session).prefetch_related("structures"):
        structures = list(projet.structures.all())
        assert structures and all(s.est_demo for s in structures), projet.identifiant
        for jour in jours:  # chaque jour, de quoi accueillir tous les élèves du projet
            ouvertes = [s for s in structures if not s.jours or jour.isoformat() in s.jours]
            assert sum(s.accueil_max for s in ouvertes) >= projet.places, (projet, jour)
        for s in structures:  # à moins de 25 km du point de rendez-vous
            assert haversine_km(_point(s), _point(projet)) < 25, s.nom
    sante = StructureAccueil.objects.filter(session=session, domaines__contains="J")
    assert sante.exists() and all(s.age_min >= 15 and s.observation_seulement for s in sante)
    nucleaire = StructureAccueil.objects.get(session=session, nom__startswith="Orano")
    assert nucleaire.age_min == 16
    assert all(
        s.tuteur and s.tuteur_email.endswith("@example.org")
        for s in StructureAccueil.objects.filter(session=session)
    )


def _point(objet):
    from moteur.modele import Point

    return Point(objet.latitude, objet.longitude)


def test_cohorte_d_eleves_plausible(session: Session) -> None:
    eleves = list(Eleve.objects.filter(session=session).select_related("commune"))
    assert len(eleves) == NB_ELEVES and all(e.est_demo for e in eleves)
    assert {e.date_naissance.year for e in eleves} <= {2010, 2011}
    assert 0.15 < sum(e.boursier for e in eleves) / len(eleves) < 0.35
    assert {e.genre for e in eleves} == {"F", "M"}
    assert all(e.commune.departement_id in CODES_NORMANDIE for e in eleves)
    lycees = Etablissement.objects.filter(eleves__session=session).distinct()
    assert lycees.count() > 20 and not lycees.filter(est_demo=True).exists()
    assert IdentiteEleve.objects.filter(eleve__session=session).count() == NB_ELEVES


def test_voeux_vers_des_projets_publies_a_portee(session: Session) -> None:
    donnees = lecture_moteur.session_moteur(session)
    publies = set(
        Projet.objects.filter(session=session, statut=Projet.Statut.PUBLIE).values_list(
            "identifiant", flat=True
        )
    )
    nombres = Counter(len(e.voeux) for e in donnees.eleves.values())
    assert set(nombres) <= {1, 2, 3, 4, 5} and len(nombres) >= 3
    for eleve in donnees.eleves.values():
        assert set(eleve.voeux) <= publies
        for p in eleve.voeux:
            assert haversine_km(eleve.point, donnees.projets[p].point) <= 25
    assert Voeu.objects.filter(eleve__session=session).count() == sum(
        len(e.voeux) for e in donnees.eleves.values()
    )


def test_comptes_de_demo(session: Session) -> None:
    for identifiant, (role, mot_de_passe, _prenom, _nom) in demo.COMPTES_DEMO.items():
        compte = Utilisateur.objects.get(username=identifiant)
        assert compte.role == role and compte.check_password(mot_de_passe)
    assert Porteur.objects.filter(
        gestionnaires__username="demo-porteur", projets__session=session
    ).exists()
    assert StructureAccueil.objects.filter(
        gestionnaires__username="demo-structure", session=session
    ).exists()
    lycee = Etablissement.objects.get(gestionnaires__username="demo-etablissement")
    assert lycee.eleves.filter(session=session).exists()
    assert Utilisateur.objects.get(username="demo-coordination").role == Role.COORDINATEUR


def test_deuxieme_chargement_ne_change_rien(session: Session, capsys) -> None:
    avant = (Projet.objects.count(), Eleve.objects.count(), Porteur.objects.count())

    code = cli.main(["demo"])

    assert code == 0
    assert "déjà chargée" in capsys.readouterr().out
    assert (Projet.objects.count(), Eleve.objects.count(), Porteur.objects.count()) == avant
    assert Session.objects.filter(est_demo=True).count() == 1


def test_rechargement_deterministe(session: Session) -> None:
    avant = lecture_moteur.session_moteur(session, avec_identites=True)

    nouvelle = demo.charger_demo(nb_eleves=NB_ELEVES, reinitialiser=True).session

    apres = lecture_moteur.session_moteur(nouvelle, avec_identites=True)
    assert nouvelle.pk != session.pk and not Session.objects.filter(pk=session.pk).exists()
    assert apres.eleves == avant.eleves
    assert apres.identites == avant.identites
    assert apres.structures == avant.structures
