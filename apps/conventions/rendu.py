"""Mise en forme des documents : gabarits Django → HTML → PDF (WeasyPrint).

Utilisable sans base de données ni projet Django configuré (ligne de commande) : on
configure alors Django au minimum et l'on rend les gabarits avec un moteur autonome
(`django.template.Engine`). Sur la plateforme, le moteur du projet rend les mêmes gabarits :
les documents sont identiques.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from moteur.documents import DonneesAttestation, DonneesConvention, FeuilleDeRoute
from moteur.documents.textes import date_longue

GABARITS = Path(__file__).resolve().parent / "templates"


def _assurer_django() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            USE_TZ=True,
            TIME_ZONE="Europe/Paris",
            USE_I18N=False,
            LANGUAGE_CODE="fr-fr",
            DEFAULT_CHARSET="utf-8",
        )


@cache
def _moteur_autonome():
    from django.template import Engine

    return Engine(dirs=[str(GABARITS)], autoescape=True)


def rendre(gabarit: str, contexte: dict[str, Any]) -> str:
    """Rend un gabarit de `apps/conventions/templates/` avec ou sans projet Django."""
    _assurer_django()
    from django.apps import apps

    if apps.ready:
        from django.template.loader import render_to_string

        return render_to_string(gabarit, contexte)
    from django.template import Context

    return _moteur_autonome().get_template(gabarit).render(Context(contexte))


def html_en_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(GABARITS)).write_pdf()


def contexte_convention(
    donnees: DonneesConvention,
    version: int = 1,
    empreinte: str = "",
    signatures: dict[str, str] | None = None,
) -> dict[str, Any]:
    identite = donnees.identite
    return {
        "c": donnees,
        "identite": identite,
        "version": version,
        "empreinte": empreinte,
        "signatures": signatures or {},
        "parties": [(partie, (signatures or {}).get(partie.cle, "")) for partie in donnees.parties],
        "type_projet": LIBELLES_TYPE.get(str(donnees.projet.type), str(donnees.projet.type)),
    }


LIBELLES_TYPE = {
    "mono-site": "mono-site, mono-entreprise",
    "multi-secteurs": "multisectoriel et multi-entreprises",
    "mono-secteur": "mono-secteur et multi-entreprises",
    "bi-entreprises": "bi-entreprises",
}


def convention_html(donnees: DonneesConvention, version: int = 1, empreinte: str = "") -> str:
    """Le HTML de la convention (avec ses annexes), source du PDF."""
    contexte = contexte_convention(donnees, version, empreinte)
    return rendre("conventions/pdf/convention.html", contexte)


def convention_pdf(donnees: DonneesConvention, version: int = 1, empreinte: str = "") -> bytes:
    """La convention (avec ses annexes pédagogique et financière) en PDF."""
    return html_en_pdf(convention_html(donnees, version, empreinte))


def pdf_concatene(sources: list[str]) -> bytes:
    """Un PDF fait des pages de plusieurs documents HTML, dans l'ordre."""
    from weasyprint import HTML

    documents = [HTML(string=s, base_url=str(GABARITS)).render() for s in sources]
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def attestation_pdf(donnees: DonneesAttestation) -> bytes:
    contexte = {
        "a": donnees,
        "c": donnees.convention,
        "identite": donnees.convention.identite,
        "date_emission": date_longue(donnees.date_emission),
    }
    return html_en_pdf(rendre("conventions/pdf/attestation.html", contexte))


def feuille_de_route_pdf(feuille: FeuilleDeRoute) -> bytes:
    return html_en_pdf(rendre("conventions/pdf/feuille_de_route.html", {"f": feuille}))


def archive_zip(fichiers: Iterable[tuple[str, bytes]]) -> bytes:
    """Un ZIP en mémoire ; dates fixes pour que le même lot donne les mêmes octets."""
    from apps.conventions.fichiers import nom_sur

    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in fichiers:
            # Chaque nom d'entrée repasse par `nom_sur` : jamais de dossier ni de `..`.
            info = zipfile.ZipInfo(nom_sur(nom), date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, contenu)
    return tampon.getvalue()


def aujourd_hui() -> date:
    return date.today()
