"""Un tour de signature complet dans un vrai navigateur (Chromium de Debian), par les liens
personnels reçus par courriel."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from apps.conventions import services, signatures
from apps.conventions.models import Convention

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_tour_de_signature_dans_chromium(session_bd, live_server, navigateur) -> None:
    services.synchroniser(session_bd)
    convention = Convention.objects.get(eleve__identifiant="E2")
    # Le porteur n'a pas de courriel dans la session d'exemple : on lui en donne un.
    convention.version_courante().signatures.filter(cle="porteur").update(
        email="porteur@example.org"
    )
    envoyes = signatures.envoyer_liens(Convention.objects.filter(pk=convention.pk), live_server.url)
    assert envoyes == 2
    liens = [re.search(r"https?://\S+", m.body).group(0) for m in mail.outbox]
    page = navigateur.new_page()
    for lien in liens:
        page.goto(lien)
        assert page.get_by_role("heading", level=1).inner_text().startswith("Convention de stage")
        page.get_by_label("Vos prénom et nom").fill("Camille Signataire")
        page.get_by_label(re.compile("J'ai lu la convention")).check()
        page.get_by_role("button", name="Signer la convention").click()
        page.wait_for_selector("#confirmation")
        assert "Signature enregistrée" in page.locator("#confirmation").inner_text()
    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.SIGNEE
    preuves = convention.version_courante().signatures.all()
    assert all(s.adresse_ip == "127.0.0.1" and "Chrome" in s.navigateur for s in preuves)
