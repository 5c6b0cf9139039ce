"""« Qui vient quel jour » : jamais de programme en brouillon ; les noms des élèves
seulement après la publication des résultats, et seulement ceux qui viennent chez soi."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from apps.campagnes.models import Session
from apps.journal.models import EntreeJournal
from apps.projets.models import Projet
from tests.apps.fabriques import (
    AffectationFactory,
    CreneauFactory,
    EleveFactory,
    GroupeFactory,
    IdentiteEleveFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

LUNDI = date(2026, 6, 15)


def groupe_avec_eleves(session, projet, libelle, noms, publiee=True):
    groupe = GroupeFactory(projet=projet, libelle=libelle)
    for nom in noms:
        eleve = EleveFactory(session=session)
        IdentiteEleveFactory(eleve=eleve, nom=nom, prenom="Alex")
        AffectationFactory(eleve=eleve, projet=projet, groupe=groupe, publiee=publiee)
    return groupe


@pytest.fixture
def situation():
    """Ma structure accueille le groupe A (Durand, Leroy) ; le groupe B (Secret) va chez une
    autre ; un brouillon place aussi un groupe chez moi."""
    session = SessionFactory()
    gestionnaire = UtilisateurFactory(structure=True)
    moi = StructureAccueilFactory(session=session, gestionnaires=[gestionnaire])
    autre = StructureAccueilFactory(session=session)
    publie = ProjetFactory(session=session, nom="Projet publié", statut=Projet.Statut.PUBLIE)
    a = groupe_avec_eleves(session, publie, "Groupe A", ["Durand", "Leroy"])
    b = groupe_avec_eleves(session, publie, "Groupe B", ["Secret"])
    CreneauFactory(groupe=a, structure=moi, date=LUNDI)
    CreneauFactory(groupe=b, structure=autre, date=LUNDI)
    brouillon = ProjetFactory(session=session, nom="Brouillon du porteur")
    CreneauFactory(groupe=GroupeFactory(projet=brouillon), structure=moi, date=LUNDI)
    return session, gestionnaire, moi


def page(client, gestionnaire, structure) -> str:
    client.force_login(gestionnaire)
    reponse = client.get(reverse("structures:qui_vient", args=[structure.pk]))
    assert reponse.status_code == 200
    return reponse.content.decode()


@pytest.mark.parametrize(
    "statut", [Session.Statut.PREPARATION, Session.Statut.VOEUX, Session.Statut.AFFECTATION]
)
def test_avant_publication_groupes_et_effectifs_sans_noms(client, situation, statut):
    session, gestionnaire, moi = situation
    Session.objects.filter(pk=session.pk).update(statut=statut)
    contenu = page(client, gestionnaire, moi)
    assert "Projet publié — Groupe A" in contenu
    assert '<td class="nombre">2</td>' in contenu
    assert "apparaîtront ici à la publication des résultats" in contenu
    for nom in ("Durand", "Leroy", "Secret"):
        assert nom not in contenu
    assert not EntreeJournal.objects.exists()


@pytest.mark.parametrize("statut", [Session.Statut.PUBLIEE, Session.Statut.CLOSE])
def test_apres_publication_seulement_mes_eleves(client, situation, statut):
    session, gestionnaire, moi = situation
    Session.objects.filter(pk=session.pk).update(statut=statut)
    contenu = page(client, gestionnaire, moi)
    assert "Alex Durand" in contenu
    assert "Alex Leroy" in contenu
    assert "Secret" not in contenu  # groupe accueilli par une autre structure
    entree = EntreeJournal.objects.get()
    assert entree.utilisateur == gestionnaire
    assert entree.nombre_eleves == 2
    assert moi.identifiant in entree.objet
    assert "Durand" not in entree.objet


def test_affectations_non_publiees_restent_anonymes(client, situation):
    """Résultats recalculés mais pas encore publiés : pas de nom, même session publiée."""
    session, gestionnaire, moi = situation
    Session.objects.filter(pk=session.pk).update(statut=Session.Statut.PUBLIEE)
    projet = Projet.objects.get(nom="Projet publié")
    c = groupe_avec_eleves(session, projet, "Groupe C", ["Nouveau"], publiee=False)
    CreneauFactory(groupe=c, structure=moi, date=date(2026, 6, 16))
    contenu = page(client, gestionnaire, moi)
    assert "Projet publié — Groupe C" in contenu
    assert "Nouveau" not in contenu


def test_jamais_le_programme_en_brouillon(client, situation):
    _, gestionnaire, moi = situation
    contenu = page(client, gestionnaire, moi)
    assert "Brouillon du porteur" not in contenu
    for statut in (Projet.Statut.SOUMIS, Projet.Statut.RENVOYE):
        Projet.objects.filter(nom="Brouillon du porteur").update(statut=statut)
        assert "Brouillon du porteur" not in page(client, gestionnaire, moi)
    Projet.objects.filter(nom="Brouillon du porteur").update(statut=Projet.Statut.VALIDE)
    assert "Brouillon du porteur" in page(client, gestionnaire, moi)
