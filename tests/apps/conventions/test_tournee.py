"""Une tournée de signature qui aboutit : courriels vérifiés avant de générer, signature
depuis l'espace (une par une ou tout un établissement), hors plateforme, relances,
tableau de la coordination (avancement, filtres, pagination, ZIP par établissement)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from apps.conventions import services
from apps.conventions.models import Convention, Signature
from apps.etablissements.models import Etablissement
from apps.projets.models import Porteur, Projet
from tests.apps.conventions.test_signatures import signer_par_lien
from tests.apps.fabriques import UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comptes(session_bd):
    """Le chef du lycée Malherbe et le signataire du porteur de P1, avec leurs courriels."""
    Etablissement.objects.filter(uai="0141555P").update(email="chef@malherbe.example")
    porteur = Porteur.objects.get(projets__identifiant="P1")
    Porteur.objects.filter(pk=porteur.pk).update(email="signataire@porteur.example")
    chef = UtilisateurFactory(etablissement=True, first_name="Claire", last_name="Proviseure")
    Etablissement.objects.get(uai="0141555P").gestionnaires.add(chef)
    signataire = UtilisateurFactory(porteur=True, first_name="Jeanne", last_name="Présidente")
    porteur.gestionnaires.add(signataire)
    return chef, signataire


def test_les_courriels_manquants_bloquent_la_generation(session_bd, client) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    Etablissement.objects.update(email="")
    page = client.post(reverse("conventions:synchroniser"), follow=True).content.decode()
    assert not Convention.objects.exists()
    assert "courriel du chef d&#x27;établissement à compléter" in page
    assert "Lycée Malherbe (0141555P)" in page
    assert "étape 3" in page
    porteur = Porteur.objects.get(projets__identifiant="P1")
    assert f"Porteur {porteur.nom}" in page
    Etablissement.objects.update(email="chef@lycee.example")
    Porteur.objects.update(email="porteur@example.org")
    client.post(reverse("conventions:synchroniser"))
    assert Convention.objects.count() == 2


def _convention(identifiant: str) -> Convention:
    return Convention.objects.get(eleve__identifiant=identifiant)


def test_tournee_complete_depuis_les_espaces(session_bd, comptes, client) -> None:
    chef, signataire = comptes
    services.synchroniser(session_bd)
    # Le chef relit la liste de son lycée puis signe tout d'un coup.
    client.force_login(chef)
    liste = client.get(reverse("conventions:a_signer")).content.decode()
    assert "E1" in liste and "E2" in liste
    revues = [
        f"{s.pk}:{s.version.empreinte_pdf}"
        for s in Signature.objects.filter(role="etablissement").select_related("version")
    ]
    assert all(len(r.split(":")[1]) == 64 for r in revues)  # PDF rendus avant le formulaire
    reponse = client.post(
        reverse("conventions:a_signer"),
        {"revue": revues, "tout": "0141555P", "nom": "Claire Proviseure", "accord": "1"},
        REMOTE_ADDR="198.51.100.4",
    )
    assert reponse.status_code == 302
    signees = Signature.objects.filter(role="etablissement", signee_le__isnull=False)
    assert signees.count() == 2
    assert len({s.reference for s in signees}) == 2  # une preuve par convention
    assert all(s.mode == Signature.Mode.ESPACE and s.utilisateur == chef for s in signees)
    assert all(s.adresse_ip == "198.51.100.4" for s in signees)
    reste = client.get(reverse("conventions:a_signer")).content.decode()
    assert 'id="rien-a-signer"' in reste, reste[reste.find("<main") :][:1500]
    # Le porteur signe une convention, puis l'autre.
    client.force_login(signataire)
    for identifiant in ("E1", "E2"):
        signature = _convention(identifiant).version_courante().signatures.get(cle="porteur")
        client.get(reverse("conventions:a_signer"))
        signature.version.refresh_from_db()
        client.post(
            reverse("conventions:a_signer"),
            {
                "revue": [f"{signature.pk}:{signature.version.empreinte_pdf}"],
                "signature": [str(signature.pk)],
                "nom": "Jeanne Présidente",
                "accord": "1",
            },
        )
    e2 = _convention("E2")
    assert e2.statut == Convention.Statut.SIGNEE  # pas de représentant légal pour E2
    e1 = _convention("E1")
    assert e1.statut == Convention.Statut.A_SIGNER
    # Le représentant légal d'E1 n'a pas signé : relance, puis il signe par son lien.
    client.force_login(UtilisateurFactory(coordinateur=True))
    mail.outbox.clear()
    client.post(reverse("conventions:relancer"), {"etablissement": "0141555P"})
    assert len(mail.outbox) == 1
    tableau = client.get(reverse("conventions:tableau")).content.decode()
    assert "Représentant légal (1)" in tableau
    client.logout()
    representant = e1.version_courante().signatures.get(role="representant_legal")
    assert signer_par_lien(client, representant).status_code == 302
    assert _convention("E1").statut == Convention.Statut.SIGNEE


def test_on_ne_signe_pas_pour_un_autre_etablissement(session_bd, comptes, client) -> None:
    services.synchroniser(session_bd)
    etranger = UtilisateurFactory(etablissement=True)
    client.force_login(etranger)
    assert "Aucune convention" in client.get(reverse("conventions:a_signer")).content.decode()
    signature = Signature.objects.filter(role="etablissement").select_related("version").first()
    client.get(reverse("conventions:pdf", args=[signature.version.convention_id]))
    client.post(
        reverse("conventions:a_signer"),
        {
            "revue": [f"{signature.pk}:{'0' * 64}"],
            "signature": [str(signature.pk)],
            "nom": "Intrus",
            "accord": "1",
        },
    )
    assert not Signature.objects.filter(signee_le__isnull=False).exists()


def test_tableau_avancement_filtres_pagination(session_bd, comptes, client, monkeypatch) -> None:
    services.synchroniser(session_bd)
    client.force_login(UtilisateurFactory(coordinateur=True))
    page = client.get(reverse("conventions:tableau")).content.decode()
    assert "Avancement par établissement" in page and "Avancement par projet" in page
    assert "0 / 2" in page  # aucune signée sur deux au lycée Malherbe
    assert reverse("conventions:lot", args=["0141555P"]) in page
    assert page.count("/conventions.zip") == 1  # un lien par établissement, pas par élève
    projet = Projet.objects.get(identifiant="P1")
    filtre = client.get(reverse("conventions:tableau"), {"projet": projet.code, "statut": "signee"})
    assert "Aucune convention pour ces filtres" in filtre.content.decode()
    monkeypatch.setattr("apps.conventions.views.PAR_PAGE", 1)
    premiere = client.get(reverse("conventions:tableau")).content.decode()
    assert "page 1 sur 2" in premiere and "Page suivante" in premiere
    seconde = client.get(reverse("conventions:tableau"), {"page": 2}).content.decode()
    assert "page 2 sur 2" in seconde
