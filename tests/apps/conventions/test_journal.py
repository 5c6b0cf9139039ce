"""Journal des accès aux données des élèves dans les conventions ; les structures ne lisent
les noms qu'après la publication, et seulement ceux de leurs élèves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.campagnes.models import Session
from apps.conventions import services
from apps.conventions.models import Convention
from apps.etablissements.models import Eleve
from apps.journal.models import Action, EntreeJournal
from apps.structures.models import StructureAccueil
from tests.apps.fabriques import EleveFactory, IdentiteEleveFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conventions(session_bd):
    services.synchroniser(session_bd)
    return session_bd


def test_chaque_vue_qui_montre_ou_exporte_est_journalisee(conventions, client) -> None:
    coordinateur = UtilisateurFactory(coordinateur=True)
    client.force_login(coordinateur)
    convention = Convention.objects.get(eleve__identifiant="E1")
    pk = convention.pk
    attendu = [
        ("get", reverse("conventions:detail", args=[pk]), {}, Action.CONSULTATION),
        ("get", reverse("conventions:pdf", args=[pk]), {}, Action.EXPORT),
        ("get", reverse("conventions:calendrier", args=[pk]), {}, Action.EXPORT),
        ("get", reverse("conventions:attestation", args=[pk]), {}, Action.EXPORT),
        ("get", reverse("conventions:lot", args=["0141555P"]), {}, Action.EXPORT),
        (
            "post",
            reverse("conventions:presence", args=[pk]),
            {"date": "2026-06-15", "statut": "present"},
            Action.MODIFICATION,
        ),
        (
            "post",
            reverse("conventions:incident", args=[pk]),
            {"date": "2026-06-15", "note": "Retard"},
            Action.MODIFICATION,
        ),
        (
            "post",
            reverse("conventions:restitution", args=[pk]),
            {"faite": "1"},
            Action.MODIFICATION,
        ),
    ]
    for methode, url, donnees, action in attendu:
        avant = EntreeJournal.objects.count()
        reponse = getattr(client, methode)(url, donnees)
        assert reponse.status_code in (200, 302), url
        entree = EntreeJournal.objects.order_by("-pk").first()
        assert EntreeJournal.objects.count() == avant + 1, url
        assert entree.action == action, url
        assert entree.utilisateur == coordinateur
        assert entree.session_id == conventions.pk
        assert "Léa" not in entree.objet and "Martin" not in entree.objet
    lot = EntreeJournal.objects.get(objet__contains="(ZIP)")
    assert (
        lot.nombre_eleves == Convention.objects.filter(eleve__etablissement__uai="0141555P").count()
    )
    assert "E1" in EntreeJournal.objects.get(objet__contains="(PDF").objet


def test_la_structure_ne_voit_les_noms_qu_apres_publication(conventions, client) -> None:
    s1 = StructureAccueil.objects.get(identifiant="S1")
    compte = UtilisateurFactory(structure=True)
    s1.gestionnaires.add(compte)
    client.force_login(compte)
    url = reverse("conventions:attendus", args=[s1.pk])

    avant = client.get(url).content.decode()
    assert "E1" in avant and "E2" in avant  # identifiants pseudonymes seulement
    assert "Léa" not in avant and "Martin" not in avant
    assert "après la publication des résultats" in avant
    assert not EntreeJournal.objects.exists()

    Session.objects.filter(pk=conventions.pk).update(statut=Session.Statut.PUBLIEE)
    apres = client.get(url).content.decode()
    assert "Léa Martin" in apres
    entree = EntreeJournal.objects.get()
    assert entree.action == Action.CONSULTATION and entree.utilisateur == compte
    assert "Léa" not in entree.objet


def test_la_structure_ne_voit_que_ses_eleves(conventions, client) -> None:
    """Une page de structure ne porte que les noms des élèves qui y viennent : ni ceux des
    autres structures, ni ceux des élèves de la session qui ne viennent pas."""
    Session.objects.filter(pk=conventions.pk).update(statut=Session.Statut.PUBLIEE)
    e1 = Eleve.objects.get(session=conventions, identifiant="E1")
    absent = EleveFactory(session=conventions, etablissement=e1.etablissement, identifiant="E99")
    IdentiteEleveFactory(eleve=absent, prenom="Zoé", nom="Inconnue")
    coordinateur = UtilisateurFactory(coordinateur=True)
    client.force_login(coordinateur)
    for structure in StructureAccueil.objects.filter(session=conventions):
        page = client.get(reverse("conventions:attendus", args=[structure.pk])).content.decode()
        vient = structure.creneaux.filter(groupe__affectations__eleve__identifiant="E1").exists()
        assert ("Léa Martin" in page) == vient, structure.identifiant
        assert "Zoé" not in page and "Inconnue" not in page and "E99" not in page
