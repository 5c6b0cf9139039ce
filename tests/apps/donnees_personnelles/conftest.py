"""Un petit monde de session avec toutes les catégories de données personnelles : identités,
vœux, affectation et programme, convention signée (courriel, IP, navigateur), incident,
domicile précis, journal des accès."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone

from apps.campagnes.models import Session
from apps.conventions.models import Convention, Incident, Signature, VersionConvention
from apps.etablissements.models import Eleve, Etablissement
from apps.journal.services import Action, journaliser
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    AffectationFactory,
    CreneauFactory,
    EleveFactory,
    EtablissementFactory,
    GroupeFactory,
    IdentiteEleveFactory,
    ProjetFactory,
    SessionFactory,
    UtilisateurFactory,
    VoeuFactory,
)


@dataclass
class Monde:
    session: Session
    lycee: Etablissement
    eleve: Eleve
    autre: Eleve  # un autre élève du même lycée, jamais touché par une suppression
    convention: Convention
    signature: Signature


def peupler_eleve(session: Session, lycee: Etablissement, identifiant: str) -> Eleve:
    eleve = EleveFactory(
        session=session,
        etablissement=lycee,
        identifiant=identifiant,
        # domicile précis, à 300 m du centre de la commune
        latitude=lycee.commune.latitude + 0.003,
        longitude=lycee.commune.longitude - 0.002,
    )
    IdentiteEleveFactory(
        eleve=eleve,
        nom=f"Nom-{identifiant}",
        prenom="Lou",
        email=f"{identifiant.lower()}@eleve.fr",
        representant1_nom="Parent Un",
        representant1_email="parent@exemple.fr",
    )
    return eleve


def convention_signee(eleve: Eleve, projet) -> tuple[Convention, Signature]:
    convention = Convention.objects.create(eleve=eleve, projet=projet)
    version = VersionConvention.objects.create(
        convention=convention,
        numero=1,
        empreinte="a" * 64,
        contenu='{"eleve": "Lou Nom"}',
        pdf=b"%PDF-1.7 Lou Nom",
    )
    signature = Signature.objects.create(
        version=version,
        cle="representant1",
        role=Signature.Role.REPRESENTANT_LEGAL,
        signataire_prevu="Parent Un",
        email="parent@exemple.fr",
        signee_le=timezone.now(),
        signe_par="Parent Un",
        adresse_ip="203.0.113.7",
        navigateur="Mozilla/5.0 (X11; Linux)",
        empreinte_signee="a" * 64,
    )
    return convention, signature


@pytest.fixture
def compte_lycee():
    return UtilisateurFactory(etablissement=True, username="lycee-malherbe")


@pytest.fixture
def monde(db, compte_lycee) -> Monde:
    session = SessionFactory(
        nom="Stages 2025",
        date_debut=date(2025, 6, 16),
        date_fin=date(2025, 6, 27),
        statut=Session.Statut.PUBLIEE,
    )
    lycee = EtablissementFactory(uai="0141555P", nom="Lycée Malherbe", gestionnaires=[compte_lycee])
    projet = ProjetFactory(session=session, identifiant="14-001", places=10)
    groupe = GroupeFactory(projet=projet, libelle="Groupe A")
    CreneauFactory(groupe=groupe, date=date(2025, 6, 16))
    eleve = peupler_eleve(session, lycee, "E001")
    autre = peupler_eleve(session, lycee, "E002")
    for e in (eleve, autre):
        VoeuFactory(eleve=e, projet=projet, rang=1)
        AffectationFactory(eleve=e, projet=projet, rang=1, groupe=groupe)
    convention, signature = convention_signee(eleve, projet)
    Incident.objects.create(eleve=eleve, date=date(2025, 6, 17), note="Lou a oublié son repas")
    journaliser(compte_lycee, Action.CONSULTATION, "liste des élèves", session=session)
    return Monde(session, lycee, eleve, autre, convention, signature)


@pytest.fixture
def client_lycee(client, compte_lycee):
    client.login(username=compte_lycee.username, password=MOT_DE_PASSE)
    return client
