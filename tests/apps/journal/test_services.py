"""`journaliser` : une ligne par accès, avec le compte et son rôle copiés au moment de l'accès."""

from __future__ import annotations

import pytest

from apps.journal.models import EntreeJournal
from apps.journal.services import Action, journaliser
from tests.apps.fabriques import SessionFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def test_le_compte_et_le_role_sont_copies():
    compte = UtilisateurFactory(etablissement=True, username="lycee-x")
    session = SessionFactory()
    entree = journaliser(compte, Action.EXPORT, "données de l'élève E1 (CSV)", session=session)
    compte.delete()
    entree.refresh_from_db()
    assert entree.utilisateur is None  # le compte a disparu, la trace reste
    assert (entree.identifiant_utilisateur, entree.role) == ("lycee-x", "etablissement")
    assert (entree.action, entree.nombre_eleves, entree.session) == ("export", 1, session)


def test_coordination_et_commande():
    admin = UtilisateurFactory(is_superuser=True, role="")
    assert journaliser(admin, Action.CONSULTATION, "x").role == "coordinateur"
    commande = journaliser(None, Action.SUPPRESSION, "purge", nombre_eleves=0)
    assert (commande.identifiant_utilisateur, commande.role) == ("(commande)", "")


def test_objet_borne_a_300_caracteres():
    entree = journaliser(None, Action.MODIFICATION, "é" * 500)
    assert len(EntreeJournal.objects.get(pk=entree.pk).objet) == 300


def test_le_journal_part_avec_sa_session():
    session = SessionFactory()
    journaliser(None, Action.CONSULTATION, "liste", session=session)
    session.delete()
    assert not EntreeJournal.objects.exists()
