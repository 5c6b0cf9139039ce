"""Signatures qui prouvent ce qui a été signé : empreinte du PDF rendu avant le formulaire,
preuve complète, page de signatures, lien réduit à une confirmation, jetons infalsifiables,
signatures simultanées sur PostgreSQL."""

from __future__ import annotations

import hashlib
import re
import threading
import time

import pytest
from django.core import signing
from django.db import connection, connections
from django.urls import reverse

from apps.conventions import services, signatures
from apps.conventions.models import Convention, Signature
from tests.apps.conventions.test_pdf import texte_pdf
from tests.apps.conventions.test_signatures import signer_par_lien, signer_tout
from tests.apps.fabriques import UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conventions(session_bd):
    services.synchroniser(session_bd)
    return session_bd


def _premiere(identifiant: str = "E1") -> Signature:
    convention = Convention.objects.get(eleve__identifiant=identifiant)
    return convention.version_courante().signatures.order_by("ordre").first()


def test_le_pdf_est_rendu_et_son_empreinte_enregistree_avant_le_formulaire(
    conventions, client
) -> None:
    signature = _premiere()
    assert not signature.version.empreinte_pdf
    page = client.get(reverse("conventions:signer", args=[signatures.jeton(signature)]))
    version = signature.version
    version.refresh_from_db()
    assert len(version.empreinte_pdf) == 64
    assert hashlib.sha256(bytes(version.pdf)).hexdigest() == version.empreinte_pdf
    contenu = page.content.decode()
    assert f'name="empreinte_pdf" value="{version.empreinte_pdf}"' in contenu
    # Le PDF servi au signataire est exactement celui dont l'empreinte est enregistrée.
    pdf = client.get(reverse("conventions:signer_pdf", args=[signatures.jeton(signature)]))
    assert hashlib.sha256(pdf.content).hexdigest() == version.empreinte_pdf


def test_la_preuve_enregistre_empreinte_heure_role_identite_ip_navigateur(
    conventions, client
) -> None:
    signature = _premiere()
    assert signer_par_lien(client, signature, "Claire Proviseure").status_code == 302
    signature.refresh_from_db()
    version = signature.version
    assert signature.empreinte_pdf == version.empreinte_pdf != ""
    assert signature.empreinte_signee == version.empreinte
    assert signature.signee_le is not None
    assert signature.role == Signature.Role.ETABLISSEMENT
    assert signature.signe_par == "Claire Proviseure"
    assert signature.adresse_ip == "203.0.113.7"
    assert signature.navigateur == "Test/1.0"
    assert signature.mode == Signature.Mode.LIEN
    # Référence lisible, sans identifiant de base de données : élève, version, partie, aléa.
    assert re.fullmatch(r"PRV-E\d+-v1-P1-[0-9A-F]{6}", signature.reference)


def test_un_document_change_entre_lecture_et_signature_est_refuse(conventions, client) -> None:
    signature = _premiere()
    url = reverse("conventions:signer", args=[signatures.jeton(signature)])
    client.get(url)
    reponse = client.post(url, {"nom": "X", "accord": "1", "empreinte_pdf": "0" * 64})
    assert reponse.status_code == 200
    assert "relisez la convention" in reponse.content.decode()
    signature.refresh_from_db()
    assert not signature.est_signee


def test_le_pdf_signe_porte_une_page_de_signatures(conventions, client) -> None:
    convention = Convention.objects.get(eleve__identifiant="E1")
    signer_tout(client, convention)
    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.SIGNEE
    client.force_login(UtilisateurFactory(coordinateur=True))
    pdf = client.get(reverse("conventions:pdf", args=[convention.pk]))
    texte = texte_pdf(pdf.content)
    assert "PAGE DES SIGNATURES" in texte
    compact = texte.replace(" ", "")
    version = convention.version_courante()
    assert version.empreinte_pdf in compact
    for preuve in version.signatures.all():
        assert preuve.signe_par.replace(" ", "") in compact
        assert preuve.reference in compact
        assert f"{preuve.signee_le.astimezone():%d/%m/%Y}" in texte
    assert "Établissement (chef d'établissement)" in texte
    # Les pages de la convention sont toujours là, avant la page des signatures.
    assert texte.index("ANNEXE FINANCIÈRE") < texte.index("PAGE DES SIGNATURES")


def test_apres_signature_le_lien_ne_montre_plus_qu_une_confirmation(conventions, client) -> None:
    signature = _premiere()
    jeton = signatures.jeton(signature)
    signer_par_lien(client, signature, "Claire Proviseure")
    page = client.get(reverse("conventions:signer", args=[jeton]))
    contenu = page.content.decode()
    assert page.status_code == 200
    assert "Signature enregistrée" in contenu
    signature.refresh_from_db()
    assert signature.reference in contenu
    assert "signer_pdf" not in contenu and "convention.pdf" not in contenu
    assert "Léa" not in contenu and "Martin" not in contenu
    assert client.get(reverse("conventions:signer_pdf", args=[jeton])).status_code == 404


def _jeton_brut(contenu: dict, cle: str | None = None) -> str:
    signeur = signing.TimestampSigner(key=cle, salt=signatures.SEL_JETON) if cle else None
    signeur = signeur or signing.TimestampSigner(salt=signatures.SEL_JETON)
    return signeur.sign_object(contenu)


def test_jetons_fabriques_refuses(conventions, client) -> None:
    signature = _premiere()
    autre = _premiere("E2")
    version = signature.version
    vrai = {"s": signature.pk, "v": version.pk, "e": version.empreinte, "k": signature.secret}

    def statut(jeton: str) -> int:
        return client.get(reverse("conventions:signer", args=[jeton])).status_code

    assert statut(signatures.jeton(signature)) == 200
    # Une autre clé que SECRET_KEY.
    assert statut(_jeton_brut(vrai, cle="une-autre-cle-" + "x" * 50)) == 404
    # Le contenu et l'empreinte lus sur une page, sans le secret de la signature.
    assert statut(_jeton_brut({"s": signature.pk, "v": version.pk, "e": version.empreinte})) == 404
    # Le jeton d'une signature, détourné vers une autre.
    assert statut(_jeton_brut(vrai | {"s": autre.pk})) == 404
    # Une autre version (numéro ou empreinte).
    assert statut(_jeton_brut(vrai | {"v": autre.version_id})) == 404
    assert statut(_jeton_brut(vrai | {"e": "0" * 64})) == 404
    # Rien n'a été signé.
    assert not Signature.objects.filter(signee_le__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_deux_parties_signent_en_meme_temps_la_convention_finit_signee(
    session_bd, monkeypatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Verrou de ligne (select_for_update) : ce test ne vaut que sur PostgreSQL "
            "(DATABASE_URL=postgres://…) ; SQLite sérialise toutes les écritures."
        )
    services.synchroniser(session_bd)
    convention = Convention.objects.get(eleve__identifiant="E2")
    parties = list(convention.version_courante().signatures.order_by("ordre"))
    assert len(parties) == 2
    for partie in parties:
        signatures.preparer(partie)
    empreinte = convention.version_courante().empreinte_pdf
    depart = threading.Barrier(len(parties))
    # Élargit la fenêtre de course : chaque fil attend entre l'écriture de sa signature et
    # la lecture des autres. Sans verrou sur la convention, chacun verrait l'autre « en
    # attente » et la convention resterait « à signer ».
    originale = Convention.apres_signature

    def lente(self, version):
        time.sleep(0.5)
        return originale(self, version)

    monkeypatch.setattr(Convention, "apres_signature", lente)
    erreurs: list[BaseException] = []

    def signer(partie: Signature) -> None:
        try:
            depart.wait()
            preuve = signatures.Preuve(f"Partie {partie.cle}", empreinte, None, "")
            signatures.signer(partie, preuve)
        except BaseException as exc:
            erreurs.append(exc)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=signer, args=(p,)) for p in parties]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not erreurs, erreurs
    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.SIGNEE
    assert convention.version_courante().signatures.filter(signee_le__isnull=True).count() == 0


def test_l_ip_de_la_preuve_est_celle_du_client_derriere_le_mandataire(
    conventions, client, settings
) -> None:
    settings.NOMBRE_PROXYS_DE_CONFIANCE = 1
    signature = _premiere()
    reponse = signer_par_lien(
        client, signature, "Claire Proviseure", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
    )
    assert reponse.status_code == 302
    signature.refresh_from_db()
    # Le client peut écrire ce qu'il veut à gauche ; le mandataire a ajouté la vraie adresse.
    assert signature.adresse_ip == "198.51.100.9"
