"""Les élèves attendus par une structure : seulement les groupes des projets validés ou
publiés, nommés par leur nom et leur code lisible ; le statut de présence choisi se
distingue. Aucun identifiant interne n'atteint un utilisateur dans les pages et documents
des conventions."""

from __future__ import annotations

import re
from datetime import date

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from apps.conventions import services, signatures
from apps.conventions.models import Convention, Signature
from apps.planification.models import Affectation
from apps.projets.models import Creneau, Groupe, Projet
from apps.structures.models import StructureAccueil
from tests.apps.conventions.test_pdf import texte_pdf
from tests.apps.conventions.test_signatures import signer_par_lien
from tests.apps.fabriques import GroupeFactory, ProjetFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

INTERNE = "PRJ-INTERNE-0042"


@pytest.fixture
def s1(session_bd) -> StructureAccueil:
    return StructureAccueil.objects.get(session=session_bd, identifiant="S1")


@pytest.fixture
def compte_s1(s1, client):
    compte = UtilisateurFactory(structure=True)
    s1.gestionnaires.add(compte)
    client.force_login(compte)
    return compte


def _brouillon_chez(s1: StructureAccueil) -> Projet:
    """Le programme en brouillon d'un porteur : un groupe Z chez S1 le 15/06, 0 élève."""
    valide = Projet.objects.get(session=s1.session, identifiant="P1")
    brouillon = ProjetFactory(
        session=s1.session, commune=valide.commune, nom="Brouillon du porteur"
    )
    assert brouillon.statut == Projet.Statut.BROUILLON
    groupe = GroupeFactory(projet=brouillon, libelle="Z")
    Creneau.objects.create(groupe=groupe, date=date(2026, 6, 15), structure=s1)
    return brouillon


def test_attendus_sans_brouillon_avec_nom_et_code(session_bd, s1, compte_s1, client) -> None:
    brouillon = _brouillon_chez(s1)
    valide = Projet.objects.get(session=session_bd, identifiant="P1")
    assert re.fullmatch(r"\d{2}-\d{3}", valide.code)
    page = client.get(reverse("conventions:attendus", args=[s1.pk])).content.decode()
    assert brouillon.nom not in page
    assert "groupe Z" not in page and "0 élève" not in page
    assert f"Projet « {valide.nom} » ({valide.code}), groupe A" in page
    assert "Projet P1" not in page
    assert "lundi 15 juin 2026 — 2 élèves" in page
    # Le brouillon validé apparaît ensuite (groupe sans élève affecté).
    Projet.objects.filter(pk=brouillon.pk).update(statut=Projet.Statut.VALIDE)
    page = client.get(reverse("conventions:attendus", args=[s1.pk])).content.decode()
    assert f"Projet « {brouillon.nom} » ({brouillon.code}), groupe Z — 0 élève" in page


def test_presence_refusee_pour_un_creneau_de_brouillon(session_bd, s1, compte_s1, client) -> None:
    """Un élève versé dans le groupe d'un brouillon n'est pas « attendu » chez la structure."""
    brouillon = _brouillon_chez(s1)
    groupe = Groupe.objects.get(projet=brouillon)
    Affectation.objects.filter(eleve__identifiant="E3").update(projet=brouillon, groupe=groupe)
    reponse = client.post(
        reverse("conventions:presence_structure", args=[s1.pk]),
        {"date": "2026-06-15", "eleve": "E3", "statut": "present"},
    )
    assert reponse.status_code == 404


def _boutons(page: str, eleve: str, jour: str) -> dict[str, str]:
    """Pour un élève et un jour de la page, la valeur de aria-pressed de chaque bouton."""
    formulaire = re.search(
        rf'name="date" value="{jour}"><input type="hidden" name="eleve" value="{eleve}">'
        r"(.*?)</form>",
        page,
        re.S,
    )
    assert formulaire, f"pas de formulaire de présence pour {eleve} le {jour}"
    return dict(
        re.findall(r'value="(\w+)" class="[^"]*" aria-pressed="(true|false)"', formulaire[1])
    )


def test_le_bouton_de_presence_choisi_est_presse(session_bd, s1, compte_s1, client) -> None:
    url = reverse("conventions:attendus", args=[s1.pk])
    avant = _boutons(client.get(url).content.decode(), "E2", "2026-06-18")
    assert avant == {"present": "false", "absent": "false", "excuse": "false"}
    client.post(
        reverse("conventions:presence_structure", args=[s1.pk]),
        {"date": "2026-06-18", "eleve": "E2", "statut": "absent"},
    )
    page = client.get(url).content.decode()
    assert _boutons(page, "E2", "2026-06-18") == {
        "present": "false",
        "absent": "true",
        "excuse": "false",
    }
    assert _boutons(page, "E1", "2026-06-18")["absent"] == "false"  # l'autre élève, intact


def _textes_montres(client, convention: Convention) -> dict[str, str]:
    """Ce que voient les utilisateurs : pages, PDF, calendrier, attestation, courriels."""
    pk = convention.pk
    groupe = Groupe.objects.get(projet=convention.projet, libelle="A")
    ics = client.get(reverse("conventions:calendrier", args=[pk])).content
    evenements = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    feuille_pdf = client.get(
        reverse("conventions:feuille_de_route", args=[groupe.pk]) + "?format=pdf"
    )
    return {
        "tableau": client.get(reverse("conventions:tableau")).content.decode(),
        "fiche": client.get(reverse("conventions:detail", args=[pk])).content.decode(),
        "convention PDF": texte_pdf(client.get(reverse("conventions:pdf", args=[pk])).content),
        "attestation": texte_pdf(client.get(reverse("conventions:attestation", args=[pk])).content),
        "calendrier": ics.decode() + " ".join(str(e.get("description")) for e in evenements),
        "feuille de route": client.get(
            reverse("conventions:feuille_de_route", args=[groupe.pk])
        ).content.decode(),
        "feuille de route PDF": texte_pdf(feuille_pdf.content) + feuille_pdf["Content-Disposition"],
    }


def test_aucun_identifiant_interne_dans_les_pages_et_documents(session_bd, client) -> None:
    projet = Projet.objects.get(session=session_bd, identifiant="P1")
    Projet.objects.filter(pk=projet.pk).update(identifiant=INTERNE)
    services.synchroniser(session_bd)
    convention = Convention.objects.get(eleve__identifiant="E1")
    for signature in convention.version_courante().signatures.order_by("ordre"):
        signer_par_lien(client, signature)  # la page des signatures est dans le PDF
    client.force_login(UtilisateurFactory(coordinateur=True))
    textes = _textes_montres(client, convention)
    for nom, texte in textes.items():
        assert INTERNE not in texte, nom
        assert "INTERNE" not in texte.upper(), nom
    assert f"{projet.nom} ({projet.code})" in textes["tableau"]
    assert f"?projet={projet.code}" in textes["tableau"]
    assert f"({projet.code})" in textes["fiche"]
    assert f"feuille-de-route-{projet.code}-A.pdf" in textes["feuille de route PDF"]
    # Les références de preuve ne portent ni la clé de la convention ni celle de la signature.
    for signature in Signature.objects.filter(version__convention=convention):
        assert re.fullmatch(r"PRV-E1-v1-P[1-3]-[0-9A-F]{6}", signature.reference)
        assert signature.reference in textes["fiche"]
        assert signature.reference in textes["convention PDF"]


def test_le_courriel_de_relance_nomme_le_projet_par_son_code(session_bd) -> None:
    services.synchroniser(session_bd)
    projet = Projet.objects.get(session=session_bd, identifiant="P1")
    Projet.objects.filter(pk=projet.pk).update(identifiant=INTERNE)
    signatures.envoyer_liens(Convention.objects.all(), "http://testserver")
    assert mail.outbox
    for courriel in mail.outbox:
        assert f"« {projet.nom} ({projet.code}) »" in courriel.body
        assert INTERNE not in courriel.body + courriel.subject


def test_les_libelles_des_objets_portent_l_identifiant_pseudonyme(session_bd) -> None:
    """Admin, messages : une convention se nomme par l'élève « E1 », pas par une clé."""
    services.synchroniser(session_bd)
    convention = Convention.objects.get(eleve__identifiant="E1")
    assert str(convention) == "Convention E1"
    assert str(convention.version_courante()) == "Convention E1 v1"
