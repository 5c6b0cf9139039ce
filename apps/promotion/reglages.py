"""Réglages de la publication nationale : lus dans les réglages Django s'ils y sont, sinon
dans l'environnement. Les identifiants du compte opérateur ne sont jamais en base.

- UN_ELEVE_UN_STAGE_API : adresse de l'API v2, par exemple
  https://1eleve1stage.education.gouv.fr/api/v2 (pré-production :
  https://staging.1eleve1stage.education.gouv.fr/api/v2) ;
- UN_ELEVE_UN_STAGE_EMAIL, UN_ELEVE_UN_STAGE_MOT_DE_PASSE : le compte opérateur ;
- URL_PUBLIQUE_DU_SITE : adresse publique de cette plateforme (liens `permalink` vers la
  fiche de chaque projet) ;
- UN_ELEVE_UN_STAGE_APPELS_PAR_MINUTE : débit maximal (100 par défaut, celui de l'API).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings

from apps.promotion.client import ClientUnEleveUnStage

# Sans URL_PUBLIQUE_DU_SITE : la commande prend l'adresse du serveur de développement, la
# page de la coordination l'adresse par laquelle elle est consultée.
URL_SITE_PAR_DEFAUT = "http://127.0.0.1:8000"


def reglage(nom: str, defaut: str = "") -> str:
    valeur = getattr(settings, nom, None)
    if valeur is None:
        valeur = os.environ.get(nom, defaut)
    return str(valeur).strip()


@dataclass(frozen=True, slots=True)
class Reglages:
    url_api: str
    email: str
    mot_de_passe: str
    url_site: str
    appels_par_minute: int

    @property
    def manquants(self) -> list[str]:
        noms = {
            "UN_ELEVE_UN_STAGE_API": self.url_api,
            "UN_ELEVE_UN_STAGE_EMAIL": self.email,
            "UN_ELEVE_UN_STAGE_MOT_DE_PASSE": self.mot_de_passe,
        }
        return [nom for nom, valeur in noms.items() if not valeur]

    def client(self) -> ClientUnEleveUnStage:
        """Le client de l'API réglé par ces valeurs (lève `ErreurConnexion` sans
        identifiants)."""
        return ClientUnEleveUnStage(
            self.url_api,
            self.email,
            self.mot_de_passe,
            appels_par_minute=self.appels_par_minute,
        )


def lire_reglages(url_api: str | None = None) -> Reglages:
    try:
        appels = int(reglage("UN_ELEVE_UN_STAGE_APPELS_PAR_MINUTE", "100"))
    except ValueError:
        appels = 100
    return Reglages(
        url_api=url_api or reglage("UN_ELEVE_UN_STAGE_API"),
        email=reglage("UN_ELEVE_UN_STAGE_EMAIL"),
        mot_de_passe=reglage("UN_ELEVE_UN_STAGE_MOT_DE_PASSE"),
        url_site=reglage("URL_PUBLIQUE_DU_SITE"),
        appels_par_minute=max(1, min(appels, 100)),
    )
