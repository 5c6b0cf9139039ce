"""Les réglages RGPD, lus au moment de l'usage (les tests les changent avec `settings`).

Chacun a une valeur par défaut raisonnable pour l'agence ; la production les fixe dans
`conf/settings` (voir docs/donnees-personnelles.md pour la liste)."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings

RETENTION_MOIS_DEFAUT = 12


def _texte(nom: str, defaut: str) -> str:
    return str(getattr(settings, nom, defaut) or defaut)


def retention_mois() -> int:
    """Mois de conservation après la fin d'une session (`RETENTION_MOIS`, défaut 12)."""
    valeur = getattr(settings, "RETENTION_MOIS", RETENTION_MOIS_DEFAUT)
    try:
        mois = int(valeur)
    except (TypeError, ValueError):
        return RETENTION_MOIS_DEFAUT
    return mois if mois >= 1 else RETENTION_MOIS_DEFAUT


def responsable() -> str:
    return _texte(
        "RGPD_RESPONSABLE",
        "Agence régionale de l'orientation et des métiers de Normandie (AROM), "
        "représentée par sa direction",
    )


def adresse_responsable() -> str:
    return _texte("RGPD_ADRESSE", "Abbaye-aux-Dames, place Reine Mathilde, 14000 Caen")


def contact_dpo() -> str:
    """Courriel du délégué à la protection des données (`RGPD_CONTACT_DPO`)."""
    return _texte("RGPD_CONTACT_DPO", "dpo@arom-normandie.fr")


def contact() -> str:
    """Courriel ou adresse où exercer ses droits (`RGPD_CONTACT`)."""
    return _texte("RGPD_CONTACT", "donnees-personnelles@arom-normandie.fr")


def hebergeur() -> str:
    return _texte("RGPD_HEBERGEUR", "hébergement en France, au sein de l'Union européenne")


def base_legale() -> str:
    return _texte(
        "RGPD_BASE_LEGALE",
        "l'exécution d'une mission d'intérêt public (article 6.1.e du RGPD) : l'information "
        "et l'orientation des élèves confiées à la région (article L. 6111-3 du code du "
        "travail et article L. 313-6 du code de l'éducation), et l'organisation des stages "
        "d'observation de seconde (article D. 331-1-1 du code de l'éducation)",
    )


def mois_avant(jour: date, mois: int) -> date:
    """Le même jour `mois` mois plus tôt (ramené au dernier jour du mois si besoin)."""
    total = jour.year * 12 + (jour.month - 1) - mois
    annee, mois_index = divmod(total, 12)
    dernier = calendar.monthrange(annee, mois_index + 1)[1]
    return jour.replace(year=annee, month=mois_index + 1, day=min(jour.day, dernier))
