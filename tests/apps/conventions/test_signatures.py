"""Conventions en base : synchronisation avec le plan, signature par lien, versions,
relances, accès, suivi."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from apps.campagnes.models import Session
from apps.conventions import services, signatures
from apps.conventions.models import Convention, Presence, Signature
from apps.projets.models import Creneau, Projet
from apps.structures.models import StructureAccueil
from tests.apps.conventions.test_pdf import texte_pdf
from tests.apps.fabriques import UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conventions(session_bd):
    services.synchroniser(session_bd)
    return session_bd


def signer_par_lien(client, signature: Signature, nom: str = "", **extra):
    """Ouvre le lien (le PDF est rendu et son empreinte enregistrée), puis signe."""
    url = reverse("conventions:signer", args=[signatures.jeton(signature)])
    assert client.get(url).status_code == 200
    signature.version.refresh_from_db()
    return client.post(
        url,
        {
            "nom": nom or f"Signataire {signature.cle}",
            "accord": "1",
            "empreinte_pdf": signature.version.empreinte_pdf,
        },
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Test/1.0",
        **extra,
    )


def signer_tout(client, convention: Convention) -> None:
    for signature in convention.version_courante().signatures.order_by("ordre"):
        assert signer_par_lien(client, signature).status_code == 302


def test_une_convention_par_eleve_place(conventions) -> None:
    assert sorted(Convention.objects.values_list("eleve__identifiant", flat=True)) == ["E1", "E2"]
    e1 = Convention.objects.get(eleve__identifiant="E1")
    version = e1.version_courante()
    assert version.numero == 1
    assert len(version.empreinte) == 64
    assert list(version.signatures.order_by("ordre").values_list("role", flat=True)) == [
        "etablissement",
        "porteur",
        "representant_legal",
    ]
    # Une seconde synchronisation sans changement ne crée rien.
    bilan = services.synchroniser(conventions)
    assert (bilan.creees, bilan.nouvelles_versions, bilan.inchangees) == (0, 0, 2)


def test_signature_par_structures_selon_le_projet(session_bd) -> None:
    Projet.objects.filter(identifiant="P1").update(signature_par_structures=True)
    services.synchroniser(session_bd)
    roles = Convention.objects.get(eleve__identifiant="E2").version_courante().signatures
    assert roles.filter(role="structure").count() == 3


def test_tour_de_signature_complet_par_les_liens(conventions, client) -> None:
    convention = Convention.objects.get(eleve__identifiant="E1")
    premiere = convention.version_courante().signatures.order_by("ordre").first()
    page = client.get(reverse("conventions:signer", args=[signatures.jeton(premiere)]))
    assert page.status_code == 200
    assert "Signer la convention" in page.content.decode()
    pdf = client.get(reverse("conventions:signer_pdf", args=[signatures.jeton(premiere)]))
    assert texte_pdf(pdf.content).count("Hôpital de Caen") >= 1
    signer_tout(client, convention)
    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.SIGNEE
    preuve = Signature.objects.get(version__convention=convention, cle="porteur")
    assert preuve.adresse_ip == "203.0.113.7"
    assert preuve.empreinte_signee == convention.version_courante().empreinte
    assert preuve.signe_par == "Signataire porteur"
    assert preuve.navigateur == "Test/1.0"
    # L'empreinte du PDF signé est conservée avec la version.
    assert len(convention.version_courante().empreinte_pdf) == 64


def test_refus_sans_accord_et_double_signature(conventions, client) -> None:
    signature = Signature.objects.filter(version__convention__eleve__identifiant="E2").first()
    url = reverse("conventions:signer", args=[signatures.jeton(signature)])
    reponse = client.post(url, {"nom": "X"})
    assert "cochez la case" in reponse.content.decode()
    signature.refresh_from_db()
    assert not signature.est_signee
    assert signer_par_lien(client, signature, "X").status_code == 302
    signature.refresh_from_db()
    with pytest.raises(signatures.SignatureRefusee, match="déjà signé"):
        signatures.signer(
            signature, signatures.Preuve("Y", signature.version.empreinte_pdf, None, "")
        )


def test_lien_altere_ou_expire(conventions, client, settings) -> None:
    signature = Signature.objects.first()
    jeton = signatures.jeton(signature)
    assert client.get(reverse("conventions:signer", args=[jeton + "x"])).status_code == 404
    settings.CONVENTIONS_JETON_JOURS = -1
    reponse = client.get(reverse("conventions:signer", args=[jeton]))
    assert reponse.status_code == 404
    assert "expiré" in reponse.content.decode()


def test_changer_le_plan_apres_signature_cree_une_nouvelle_version(conventions, client) -> None:
    convention = Convention.objects.get(eleve__identifiant="E1")
    ancienne = convention.version_courante()
    ancien_jeton = signatures.jeton(ancienne.signatures.first())
    signer_tout(client, convention)
    # Le 15 juin, le groupe va à la menuiserie au lieu de l'hôpital.
    Creneau.objects.filter(date=date(2026, 6, 15)).update(
        structure=StructureAccueil.objects.get(identifiant="S2")
    )
    bilan = services.synchroniser(conventions)
    assert bilan.nouvelles_versions == 2
    convention.refresh_from_db()
    # Elle était signée : elle passe « à re-signer » ; l'autre (jamais signée) « à signer ».
    assert convention.statut == Convention.Statut.A_RESIGNER
    assert Convention.objects.get(eleve__identifiant="E2").statut == Convention.Statut.A_SIGNER
    nouvelle = convention.version_courante()
    assert nouvelle.numero == 2
    assert nouvelle.empreinte != ancienne.empreinte
    ancienne.refresh_from_db()
    assert ancienne.remplacee_le is not None
    assert ancienne.signatures.filter(signee_le__isnull=False).count() == 3  # archivées
    assert not nouvelle.signatures.filter(signee_le__isnull=False).exists()
    # L'ancien lien ne permet plus de signer.
    assert client.get(reverse("conventions:signer", args=[ancien_jeton])).status_code == 404
    # L'historique reste visible sur la fiche : version 1 remplacée, ses trois signatures.
    client.force_login(UtilisateurFactory(coordinateur=True))
    fiche = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "Version 2 (courante)" in fiche
    assert "Version 1 — remplacée le" in fiche
    assert fiche.count("Signataire porteur") == 1
    assert "À re-signer" in fiche
    # Tout le monde re-signe la version 2 : la convention redevient signée.
    client.logout()
    signer_tout(client, convention)
    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.SIGNEE


def test_relances_par_courriel(conventions, client) -> None:
    coordinateur = UtilisateurFactory(coordinateur=True)
    client.force_login(coordinateur)
    client.post(reverse("conventions:relancer"))
    # E1 : établissement + représentant légal (le porteur n'a pas de courriel) ; E2 : établissement.
    assert len(mail.outbox) == 3
    assert "/conventions/signer/" in mail.outbox[0].body
    assert "Léa" not in mail.outbox[0].body
    assert Signature.objects.filter(relances=1).count() == 3


def test_acces_par_role(conventions, client) -> None:
    convention = Convention.objects.get(eleve__identifiant="E1")
    etranger = UtilisateurFactory()
    client.force_login(etranger)
    assert client.get(reverse("conventions:detail", args=[convention.pk])).status_code == 404
    gestionnaire = UtilisateurFactory(etablissement=True)
    convention.eleve.etablissement.gestionnaires.add(gestionnaire)
    client.force_login(gestionnaire)
    page = client.get(reverse("conventions:tableau"))
    assert page.status_code == 200
    assert "E1" in page.content.decode()
    assert client.get(reverse("conventions:detail", args=[convention.pk])).status_code == 200
    lot = client.get(reverse("conventions:lot", args=["0141555P"]))
    assert lot["Content-Type"] == "application/zip"


def test_documents_et_suivi(conventions, client) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    convention = Convention.objects.get(eleve__identifiant="E1")
    ics = client.get(reverse("conventions:calendrier", args=[convention.pk]))
    assert len(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")) == 10
    url = reverse("conventions:presence", args=[convention.pk])
    client.post(url, {"date": "2026-06-15", "statut": "present"})
    client.post(url, {"date": "2026-06-16", "statut": "absent"})
    assert Presence.objects.get(date=date(2026, 6, 15)).structure.identifiant == "S1"
    client.post(
        reverse("conventions:incident", args=[convention.pk]),
        {"date": "2026-06-16", "note": "Retard du bus"},
    )
    assert convention.eleve.incidents.get().structure.identifiant == "S2"
    client.post(reverse("conventions:restitution", args=[convention.pk]), {"faite": "1"})
    attestation = client.get(reverse("conventions:attestation", args=[convention.pk]))
    texte = texte_pdf(attestation.content)
    assert "1 sur 10" in texte
    assert "restitution" in texte
    detail = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert "Retard du bus" in detail.content.decode()


def test_feuille_de_route_et_eleves_attendus(conventions, client) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    groupe = Creneau.objects.first().groupe
    page = client.get(reverse("conventions:feuille_de_route", args=[groupe.pk]))
    contenu = page.content.decode()
    assert "06 12 34 56 78" in contenu
    assert "Mairie d&#x27;Hérouville" in contenu
    pdf = client.get(reverse("conventions:feuille_de_route", args=[groupe.pk]) + "?format=pdf")
    assert pdf.content.startswith(b"%PDF")
    s1 = StructureAccueil.objects.get(identifiant="S1")
    Session.objects.filter(pk=conventions.pk).update(statut=Session.Statut.PUBLIEE)
    attendus = client.get(reverse("conventions:attendus", args=[s1.pk])).content.decode()
    assert "2 élèves" in attendus
    assert "E2" in attendus
    assert "Léa Martin" in attendus
    client.post(
        reverse("conventions:presence_structure", args=[s1.pk]),
        {"date": "2026-06-18", "eleve": "E2", "statut": "present"},
    )
    assert Presence.objects.get(eleve__identifiant="E2").date == date(2026, 6, 18)
    # Un élève qui n'est pas attendu ce jour-là chez cette structure : refusé.
    reponse = client.post(
        reverse("conventions:presence_structure", args=[s1.pk]),
        {"date": "2026-06-16", "eleve": "E2", "statut": "present"},
    )
    assert reponse.status_code == 404
