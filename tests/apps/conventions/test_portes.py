"""Portes fermées : 404 hors périmètre dans toutes les vues des conventions, redirections
limitées au site, noms de fichiers et d'entrées ZIP nettoyés."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.conventions import services
from apps.conventions.fichiers import nom_sur
from apps.conventions.models import Convention, Signature
from apps.etablissements.models import Eleve
from apps.projets.models import Creneau, Porteur
from apps.structures.models import StructureAccueil
from tests.apps.fabriques import UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conventions(session_bd):
    services.synchroniser(session_bd)
    return session_bd


@pytest.mark.parametrize(
    ("hostile", "attendu"),
    [
        ("../../etc/passwd", "etc_passwd"),
        ('a"b\r\nSet-Cookie: x=1', "a_b_Set-Cookie_x_1"),
        ("..\\..\\windows", "windows"),
        ("Élève/é", "Eleve_e"),
        ("\x00\x1f", "fichier"),
        ("...", "fichier"),
        ("E042", "E042"),
    ],
)
def test_nom_sur(hostile: str, attendu: str) -> None:
    propre = nom_sur(hostile)
    assert propre == attendu
    assert "/" not in propre and "\\" not in propre and ".." not in propre
    assert not propre.startswith(".")
    assert all(c.isalnum() or c in "._-" for c in propre)


def _portes(convention: Convention) -> list[tuple[str, str]]:
    groupe = Creneau.objects.first().groupe
    structure = StructureAccueil.objects.get(identifiant="S1")
    signature = convention.version_courante().signatures.first()
    pk = convention.pk
    return [
        ("get", reverse("conventions:detail", args=[pk])),
        ("get", reverse("conventions:pdf", args=[pk])),
        ("get", reverse("conventions:calendrier", args=[pk])),
        ("get", reverse("conventions:attestation", args=[pk])),
        ("post", reverse("conventions:presence", args=[pk])),
        ("post", reverse("conventions:incident", args=[pk])),
        ("post", reverse("conventions:restitution", args=[pk])),
        ("get", reverse("conventions:scan", args=[pk, signature.pk])),
        ("post", reverse("conventions:hors_plateforme", args=[signature.pk])),
        ("get", reverse("conventions:lot", args=[convention.eleve.etablissement.uai])),
        ("get", reverse("conventions:feuille_de_route", args=[groupe.pk])),
        ("get", reverse("conventions:attendus", args=[structure.pk])),
        ("post", reverse("conventions:presence_structure", args=[structure.pk])),
    ]


@pytest.mark.parametrize("role", ["", "etablissement", "porteur", "structure"])
def test_hors_perimetre_404_partout(conventions, client, role) -> None:
    convention = Convention.objects.get(eleve__identifiant="E1")
    client.force_login(UtilisateurFactory(**({role: True} if role else {})))
    for methode, url in _portes(convention):
        reponse = getattr(client, methode)(url, {"date": "2026-06-15", "statut": "present"})
        assert reponse.status_code == 404, (role, url, reponse.status_code)
    # Relancer une convention d'autrui : 404 aussi pour les rôles qui suivent des conventions ;
    # les autres n'ont pas accès à cet espace (403, la règle de la maison).
    reponse = client.post(reverse("conventions:relancer"), {"convention": convention.pk})
    assert reponse.status_code == (404 if role in {"etablissement", "porteur"} else 403)


def test_une_entree_invalide_repond_400_en_francais(conventions, client) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    convention = Convention.objects.get(eleve__identifiant="E1")
    reponse = client.post(reverse("conventions:presence", args=[convention.pk]), {"date": "x"})
    assert reponse.status_code == 400
    assert "AAAA-MM-JJ" in reponse.content.decode()
    reponse = client.post(reverse("conventions:relancer"), {"convention": "abc"})
    assert reponse.status_code == 404


@pytest.mark.parametrize(
    "retour",
    [
        "https://malveillant.example/",
        "//malveillant.example/x",
        "/\\malveillant.example",
        "javascript:alert(1)",
    ],
)
def test_retour_de_la_relance_reste_sur_le_site(conventions, client, retour) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    reponse = client.post(reverse("conventions:relancer"), {"retour": retour})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("conventions:tableau")


def test_retour_interne_accepte(conventions, client) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    convention = Convention.objects.get(eleve__identifiant="E1")
    retour = reverse("conventions:detail", args=[convention.pk])
    reponse = client.post(
        reverse("conventions:relancer"), {"retour": retour, "convention": convention.pk}
    )
    assert reponse["Location"] == retour


def test_identifiant_hostile_dans_le_zip_et_l_en_tete(session_bd, client) -> None:
    hostile = '../../"evil"\r\nX-Injecte: 1/..\\'
    Eleve.objects.filter(session=session_bd, identifiant="E1").update(identifiant=hostile)
    services.synchroniser(session_bd)
    convention = Convention.objects.get(eleve__identifiant=hostile)
    client.force_login(UtilisateurFactory(coordinateur=True))
    pdf = client.get(reverse("conventions:pdf", args=[convention.pk]))
    assert pdf.status_code == 200
    disposition = pdf["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.count('"') == 2
    assert "\r" not in disposition and "\n" not in disposition and ".." not in disposition
    assert "X-Injecte" not in pdf.headers
    lot = client.get(reverse("conventions:lot", args=[convention.eleve.etablissement.uai]))
    with zipfile.ZipFile(io.BytesIO(lot.content)) as archive:
        noms = archive.namelist()
    assert len(noms) == 2
    for nom in noms:
        assert "/" not in nom and "\\" not in nom and ".." not in nom and '"' not in nom
        assert nom.endswith(".pdf")


def test_le_porteur_telecharge_le_zip_des_etablissements_de_ses_projets(
    conventions, client
) -> None:
    porteur = UtilisateurFactory(porteur=True)
    convention = Convention.objects.get(eleve__identifiant="E1")
    Porteur.objects.get(pk=convention.projet.porteur_id).gestionnaires.add(porteur)
    client.force_login(porteur)
    uai = convention.eleve.etablissement.uai
    tableau = client.get(reverse("conventions:tableau")).content.decode()
    assert reverse("conventions:lot", args=[uai]) in tableau
    lot = client.get(reverse("conventions:lot", args=[uai]))
    assert lot.status_code == 200
    with zipfile.ZipFile(io.BytesIO(lot.content)) as archive:
        assert "E1.pdf" in archive.namelist()
    assert client.get(reverse("conventions:lot", args=["0000000A"])).status_code == 404


def test_scan_hors_plateforme_borne_en_taille_et_en_type(conventions, client) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    convention = Convention.objects.get(eleve__identifiant="E1")
    signature = convention.version_courante().signatures.get(cle="porteur")
    url = reverse("conventions:hors_plateforme", args=[signature.pk])
    faux = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 pas un pdf", content_type="application/pdf")
    page = client.post(url, {"nom": "Jeanne Présidente", "scan": faux}, follow=True)
    assert "ni un PDF" in page.content.decode()
    lourd = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1))
    page = client.post(url, {"nom": "Jeanne Présidente", "scan": lourd}, follow=True)
    assert "trop lourd" in page.content.decode()
    signature.refresh_from_db()
    assert not signature.est_signee
    bon = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    client.post(url, {"nom": "Jeanne Présidente", "scan": bon})
    signature.refresh_from_db()
    assert signature.mode == Signature.Mode.HORS_PLATEFORME
    assert bytes(signature.scan) == b"%PDF-1.4 scan"
    assert signature.empreinte_pdf == signature.version.empreinte_pdf != ""
    scan = client.get(reverse("conventions:scan", args=[convention.pk, signature.pk]))
    assert scan.content == b"%PDF-1.4 scan"
