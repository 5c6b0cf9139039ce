"""Le PDF de la convention : il s'ouvre, et son texte porte tout ce que l'élève et les
signataires doivent y lire."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from apps.conventions.rendu import attestation_pdf, convention_pdf, feuille_de_route_pdf
from moteur.documents import (
    DonneesAttestation,
    OptionsConvention,
    donnees_convention,
    empreinte,
    feuille_de_route,
)
from tests.moteur.documents_exemple import plan_exemple, session_exemple


def texte_pdf(contenu: bytes) -> str:
    lecteur = PdfReader(io.BytesIO(contenu))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in lecteur.pages))


def test_convention_contient_dates_structures_porteur_etablissement_referent() -> None:
    session = session_exemple()
    donnees = donnees_convention(
        session, plan_exemple(session), "E1", OptionsConvention(signature_par_structures=True)
    )
    pdf = convention_pdf(donnees, 1, empreinte(donnees))
    assert pdf.startswith(b"%PDF")
    texte = texte_pdf(pdf)
    for jour in session.jours:
        assert jour.strftime("%d/%m/%Y") in texte
    for structure in session.structures.values():
        assert structure.nom in texte
        assert structure.adresse in texte
        assert f"{structure.heure_debut:%H:%M} – {structure.heure_fin:%H:%M}" in texte
    for attendu in (
        "Communauté urbaine Caen la mer",
        "Jeanne Présidente",
        "Lycée Malherbe",
        "Claire Proviseure",
        "Marc Référent",
        "06 12 34 56 78",
        "ANNEXE PÉDAGOGIQUE",
        "ANNEXE FINANCIÈRE",
        "film de 2 minutes",
        "Martin",
        "Léa",
        "D. 331-1",
        "L. 4153-1",
        "Directeur S2",
    ):
        assert attendu.lower() in texte.lower(), attendu
    assert empreinte(donnees) in texte.replace(" ", "")


def test_identite_absente_laisse_des_blancs() -> None:
    session = session_exemple()
    donnees = donnees_convention(session, plan_exemple(session), "E2")
    texte = texte_pdf(convention_pdf(donnees))
    assert "Martin" not in texte
    assert "……" in texte
    assert "04/03/2010" in texte  # date de naissance, du fichier des élèves


def test_attestation_et_feuille_de_route() -> None:
    session = session_exemple()
    plan = plan_exemple(session)
    donnees = donnees_convention(session, plan, "E1")
    presences = {j: True for j in session.jours[:9]} | {session.jours[9]: False}
    texte = texte_pdf(
        attestation_pdf(DonneesAttestation(donnees, presences, True, session.jours[-1]))
    )
    assert "9 sur 10" in texte
    assert "Léa Martin" in texte
    feuille = texte_pdf(feuille_de_route_pdf(feuille_de_route(session, plan, "P1", "A")))
    assert "06 12 34 56 78" in feuille
    assert "Menuiserie Lebrun" in feuille
