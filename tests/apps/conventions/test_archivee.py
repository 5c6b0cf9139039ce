"""Une session archivée se consulte seulement : chaque vue d'écriture des conventions
refuse (403, message français), la lecture reste permise."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.campagnes.models import Session
from apps.conventions import services, signatures
from apps.conventions.models import Convention, Incident, Presence, Signature
from apps.etablissements.models import Etablissement
from apps.structures.models import StructureAccueil
from tests.apps.conventions.test_signatures import signer_par_lien
from tests.apps.fabriques import UtilisateurFactory

pytestmark = pytest.mark.django_db

MESSAGE = "est archivée : elle se consulte seulement, plus rien n&#x27;y est modifiable"


@pytest.fixture
def archivee(session_bd, client) -> Session:
    """Les conventions de la session ; une signature déjà donnée ; puis l'archivage."""
    services.synchroniser(session_bd)
    e1 = Convention.objects.get(eleve__identifiant="E1")
    signer_par_lien(client, e1.version_courante().signatures.get(cle="porteur"))
    session_bd.archiver()
    return session_bd


def _refus(reponse) -> None:
    assert reponse.status_code == 403
    assert MESSAGE in reponse.content.decode()


def test_les_ecritures_de_la_coordination_sont_refusees(archivee, client, monkeypatch) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    e1 = Convention.objects.get(eleve__identifiant="E1")
    pk = e1.pk
    attente = e1.version_courante().signatures.get(role="representant_legal")
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    ecritures = [
        ("presence", [pk], {"date": "2026-06-15", "statut": "present"}),
        ("incident", [pk], {"date": "2026-06-15", "note": "Retard"}),
        ("restitution", [pk], {"faite": "1"}),
        ("hors_plateforme", [attente.pk], {"nom": "Paul Martin", "scan": scan}),
        ("relancer", [], {"convention": str(pk)}),
    ]
    for nom, args, donnees in ecritures:
        _refus(client.post(reverse(f"conventions:{nom}", args=args), donnees))
    # Synchroniser et relancer visent la session en cours, jamais archivée (contrainte en
    # base) : la vérification tient quand même si on leur en donnait une.
    monkeypatch.setattr("apps.conventions.views.session_active", lambda: archivee)
    _refus(client.post(reverse("conventions:synchroniser")))
    _refus(client.post(reverse("conventions:relancer")))
    assert not Presence.objects.exists() and not Incident.objects.exists()
    e1.refresh_from_db()
    assert not e1.restitution_faite
    assert Signature.objects.filter(signee_le__isnull=False).count() == 1
    assert Signature.objects.filter(relances__gt=0).count() == 0
    # La lecture reste permise : fiche (sans formulaires d'écriture), PDF, calendrier.
    fiche = client.get(reverse("conventions:detail", args=[pk]))
    assert fiche.status_code == 200
    page = fiche.content.decode()
    assert 'id="session-archivee"' in page
    assert reverse("conventions:incident", args=[pk]) not in page
    assert reverse("conventions:presence", args=[pk]) not in page
    assert client.get(reverse("conventions:pdf", args=[pk])).status_code == 200
    assert client.get(reverse("conventions:calendrier", args=[pk])).status_code == 200


def test_la_signature_par_lien_est_refusee_la_confirmation_reste(archivee, client) -> None:
    e1 = Convention.objects.get(eleve__identifiant="E1")
    attente = e1.version_courante().signatures.get(role="representant_legal")
    url = reverse("conventions:signer", args=[signatures.jeton(attente)])
    for reponse in (
        client.get(url),
        client.post(url, {"nom": "Paul Martin", "accord": "1", "empreinte_pdf": "0" * 64}),
    ):
        _refus(reponse)
    attente.refresh_from_db()
    assert not attente.est_signee
    # Lecture : le lien d'une partie qui a signé montre toujours sa confirmation.
    signee = e1.version_courante().signatures.get(cle="porteur")
    confirmation = client.get(reverse("conventions:signer", args=[signatures.jeton(signee)]))
    assert confirmation.status_code == 200
    assert signee.reference in confirmation.content.decode()


def test_la_signature_depuis_l_espace_est_refusee(archivee, client) -> None:
    Etablissement.objects.filter(uai="0141555P").update(email="chef@malherbe.example")
    chef = UtilisateurFactory(etablissement=True)
    Etablissement.objects.get(uai="0141555P").gestionnaires.add(chef)
    client.force_login(chef)
    liste = client.get(reverse("conventions:a_signer"))
    assert liste.status_code == 200
    assert 'id="rien-a-signer"' in liste.content.decode()  # plus rien à signer
    signature = Signature.objects.filter(role="etablissement").select_related("version").first()
    _refus(
        client.post(
            reverse("conventions:a_signer"),
            {
                "revue": [f"{signature.pk}:{signature.version.empreinte_pdf}"],
                "signature": [str(signature.pk)],
                "nom": "Claire Proviseure",
                "accord": "1",
            },
        )
    )
    assert not Signature.objects.filter(role="etablissement", signee_le__isnull=False).exists()


def test_la_structure_lit_mais_ne_saisit_plus_la_presence(archivee, client) -> None:
    Session.objects.filter(pk=archivee.pk).update(statut=Session.Statut.PUBLIEE)
    s1 = StructureAccueil.objects.get(session=archivee, identifiant="S1")
    compte = UtilisateurFactory(structure=True)
    s1.gestionnaires.add(compte)
    client.force_login(compte)
    page = client.get(reverse("conventions:attendus", args=[s1.pk]))
    assert page.status_code == 200
    contenu = page.content.decode()
    assert 'id="session-archivee"' in contenu and "E2" in contenu
    assert reverse("conventions:presence_structure", args=[s1.pk]) not in contenu
    _refus(
        client.post(
            reverse("conventions:presence_structure", args=[s1.pk]),
            {"date": "2026-06-18", "eleve": "E2", "statut": "present"},
        )
    )
    assert not Presence.objects.exists()
