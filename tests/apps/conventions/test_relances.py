"""Relances à ceux qui n'ont pas signé (un vrai courriel, avec le lien, à chaque partie en
attente ; jamais deux dans l'heure), la convention signée quand la dernière partie signe
(partie par partie, par les trois chemins), et le journal des accès par lien."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.conventions import services, signatures
from apps.conventions.models import Convention, Signature
from apps.etablissements.models import Etablissement, IdentiteEleve
from apps.journal.models import Action, EntreeJournal
from apps.journal.services import journaliser
from apps.projets.models import Porteur
from tests.apps.fabriques import UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conventions(session_bd):
    Porteur.objects.filter(projets__identifiant="P1").update(email="signataire@porteur.example")
    services.synchroniser(session_bd)
    return session_bd


def _lien(courriel) -> str:
    return re.search(r"http://testserver(/conventions/signer/\S+)", courriel.body).group(1)


def _relancer(client, **donnees) -> str:
    return client.post(reverse("conventions:relancer"), donnees, follow=True).content.decode()


def test_un_courriel_avec_son_lien_a_chaque_partie_en_attente(conventions, client) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    attente = list(Signature.objects.en_attente())
    assert len(attente) == 5  # E1 : lycée, porteur, représentant ; E2 : lycée, porteur
    page = _relancer(client)
    assert "5 courriel(s) envoyé(s)" in page
    assert len(mail.outbox) == 5
    destinataires = sorted(m.to[0] for m in mail.outbox)
    assert destinataires == sorted(s.email for s in attente)
    for courriel in mail.outbox:
        assert len(courriel.to) == 1
        # Le lien reçu ouvre la signature de CE destinataire-là.
        jeton = _lien(courriel).split("/")[3]
        assert signatures.signature_du_jeton(jeton).email == courriel.to[0]
        assert client.get(_lien(courriel)).status_code == 200
    # Pas de nom d'élève dans les courriels.
    noms = IdentiteEleve.objects.values_list("nom", flat=True)
    assert not any(nom in m.body for m in mail.outbox for nom in noms)


def test_pas_deux_relances_dans_la_meme_heure(conventions, client) -> None:
    client.force_login(UtilisateurFactory(coordinateur=True))
    _relancer(client)
    assert len(mail.outbox) == 5
    mail.outbox.clear()
    page = _relancer(client)
    assert mail.outbox == []
    assert "0 courriel(s) envoyé(s)" in page
    assert "5 partie(s) déjà relancée(s) il y a moins de 60 minutes" in page
    assert set(Signature.objects.values_list("relances", flat=True)) == {1}
    # Une partie relancée il y a 61 minutes reçoit de nouveau son lien ; les autres non.
    lycee_e2 = Signature.objects.get(
        version__convention__eleve__identifiant="E2", role="etablissement"
    )
    Signature.objects.filter(pk=lycee_e2.pk).update(
        derniere_relance=timezone.now() - timedelta(minutes=61)
    )
    _relancer(client)
    assert [m.to[0] for m in mail.outbox] == [lycee_e2.email]
    lycee_e2.refresh_from_db()
    assert lycee_e2.relances == 2


def test_relance_d_une_seule_convention_et_parties_sans_courriel(conventions, client) -> None:
    Signature.objects.filter(role="representant_legal").update(email="")
    e1 = Convention.objects.get(eleve__identifiant="E1")
    client.force_login(UtilisateurFactory(coordinateur=True))
    page = _relancer(client, convention=str(e1.pk))
    attendus = e1.version_courante().signatures.exclude(email="").values_list("email", flat=True)
    assert len(attendus) == 2  # lycée et porteur ; le représentant n'a pas de courriel
    assert sorted(m.to[0] for m in mail.outbox) == sorted(attendus)
    assert all("E1" in m.subject for m in mail.outbox)
    assert "1 partie(s) sans courriel" in page
    assert "signé hors plateforme" in page


def test_signee_quand_la_derniere_partie_signe(conventions, client) -> None:
    """E1, partie par partie : le chef depuis son espace, le porteur sur papier (scan
    téléversé par la coordination), le représentant légal par le lien de sa relance."""
    e1 = Convention.objects.get(eleve__identifiant="E1")
    assert e1.statut == Convention.Statut.A_SIGNER
    version = e1.version_courante()
    chef = UtilisateurFactory(etablissement=True)
    Etablissement.objects.get(uai="0141555P").gestionnaires.add(chef)
    client.force_login(chef)
    client.get(reverse("conventions:a_signer"))
    lycee = version.signatures.get(role="etablissement")
    version.refresh_from_db()
    client.post(
        reverse("conventions:a_signer"),
        {
            "revue": [f"{lycee.pk}:{version.empreinte_pdf}"],
            "signature": [str(lycee.pk)],
            "nom": "Claire Proviseure",
            "accord": "1",
        },
    )
    e1.refresh_from_db()
    assert e1.statut == Convention.Statut.A_SIGNER  # 1 sur 3
    client.force_login(UtilisateurFactory(coordinateur=True))
    porteur = version.signatures.get(role="porteur")
    client.post(
        reverse("conventions:hors_plateforme", args=[porteur.pk]),
        {
            "nom": "Jeanne Présidente",
            "scan": SimpleUploadedFile("s.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        },
    )
    e1.refresh_from_db()
    assert e1.statut == Convention.Statut.A_SIGNER  # 2 sur 3
    mail.outbox.clear()
    _relancer(client, convention=str(e1.pk))
    assert len(mail.outbox) == 1  # seule la partie qui n'a pas signé
    representant = version.signatures.get(role="representant_legal")
    assert mail.outbox[0].to == [representant.email]
    client.logout()
    lien = _lien(mail.outbox[0])
    assert client.get(lien).status_code == 200
    version.refresh_from_db()
    reponse = client.post(
        lien, {"nom": "Paul Martin", "accord": "1", "empreinte_pdf": version.empreinte_pdf}
    )
    assert reponse.status_code == 302
    e1.refresh_from_db()
    assert e1.statut == Convention.Statut.SIGNEE  # la dernière a signé
    modes = dict(version.signatures.values_list("role", "mode"))
    assert modes == {
        "etablissement": Signature.Mode.ESPACE,
        "porteur": Signature.Mode.HORS_PLATEFORME,
        "representant_legal": Signature.Mode.LIEN,
    }


def test_le_journal_consigne_le_lien_de_signature(conventions, client) -> None:
    e1 = Convention.objects.get(eleve__identifiant="E1")
    representant = e1.version_courante().signatures.get(role="representant_legal")
    jeton = signatures.jeton(representant)
    EntreeJournal.objects.all().delete()
    assert client.get(reverse("conventions:signer_pdf", args=[jeton])).status_code == 200
    representant.version.refresh_from_db()
    client.post(
        reverse("conventions:signer", args=[jeton]),
        {"nom": "Paul Martin", "accord": "1", "empreinte_pdf": representant.version.empreinte_pdf},
    )
    entrees = list(EntreeJournal.objects.order_by("quand", "id"))
    assert [e.action for e in entrees] == [Action.CONSULTATION, Action.MODIFICATION]
    for entree in entrees:
        assert entree.identifiant_utilisateur == "lien de signature"
        assert entree.utilisateur is None
        assert entree.session_id == conventions.pk
        assert "E1" in entree.objet and "représentant légal" in entree.objet
        assert "Paul Martin" not in entree.objet
        noms = IdentiteEleve.objects.values_list("nom", "prenom")
        assert not any(n in entree.objet or p in entree.objet for n, p in noms)
    assert "PDF lu par le lien" in entrees[0].objet
    assert "signée par le lien" in entrees[1].objet


def test_journaliser_sans_acteur_reste_une_commande(conventions) -> None:
    sans = journaliser(None, Action.EXPORT, "conventions (ligne de commande)")
    assert sans.identifiant_utilisateur == "(commande)"
    avec = journaliser(None, Action.CONSULTATION, "x", acteur="lien de signature")
    assert avec.identifiant_utilisateur == "lien de signature"
    assert journaliser(None, Action.CONSULTATION, "x", acteur="  ").identifiant_utilisateur == (
        "(commande)"
    )
