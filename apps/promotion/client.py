"""Client HTTP de l'API v2 de « 1 élève, 1 stage » (httpx).

- Connexion : `POST /auth/login` (courriel et mot de passe du compte opérateur) donne un
  jeton JWT, valable 24 h, envoyé ensuite en `Authorization: Bearer …` ; un 401 en cours de
  route reconnecte une fois.
- Débit : au plus `appels_par_minute` appels sur toute fenêtre glissante de 60 s (100 pour
  l'API) ; sur 429, attend `Retry-After` (secondes ou date HTTP ; 60 s s'il manque, la
  fenêtre de l'API étant la minute) puis recommence.
- Erreurs passagères (connexion, délai dépassé, 500, 502, 503, 504) : reprises avec une
  attente exponentielle bornée ; au-delà de `tentatives`, `ServiceIndisponible`.

Le client ne journalise ni le mot de passe ni le jeton.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

STATUTS_PASSAGERS = {500, 502, 503, 504}
FENETRE_S = 60.0


class ErreurApi(Exception):
    """Erreur affichable telle quelle (en français)."""


class ErreurConnexion(ErreurApi):
    """Identifiants refusés ou absents : rien ne peut être envoyé."""


class ServiceIndisponible(ErreurApi):
    """L'API ne répond pas correctement après toutes les reprises."""


class Limiteur:
    """Au plus `par_minute` appels sur toute fenêtre de 60 secondes."""

    def __init__(
        self, par_minute: int, dormir: Callable[[float], None], horloge: Callable[[], float]
    ) -> None:
        self.par_minute = par_minute
        self.dormir = dormir
        self.horloge = horloge
        self.appels: deque[float] = deque()

    def attendre(self) -> None:
        maintenant = self.horloge()
        while self.appels and maintenant - self.appels[0] >= FENETRE_S:
            self.appels.popleft()
        if len(self.appels) >= self.par_minute:
            self.dormir(FENETRE_S - (maintenant - self.appels[0]))
            self.appels.popleft()
        self.appels.append(self.horloge())


def delai_retry_after(valeur: str | None, defaut: float) -> float:
    """`Retry-After` en secondes (« 3 ») ou en date HTTP ; `defaut` s'il manque ou est
    illisible."""
    if not valeur:
        return defaut
    valeur = valeur.strip()
    if valeur.isdigit():
        return float(valeur)
    try:
        quand = parsedate_to_datetime(valeur)
    except (TypeError, ValueError):
        return defaut
    if quand.tzinfo is None:
        quand = quand.replace(tzinfo=UTC)
    return max(0.0, (quand - datetime.now(UTC)).total_seconds())


class ClientUnEleveUnStage:
    def __init__(
        self,
        url_api: str,
        email: str,
        mot_de_passe: str,
        *,
        appels_par_minute: int = 100,
        tentatives: int = 5,
        attente_base_s: float = 1.0,
        attente_max_s: float = 30.0,
        attente_429_defaut_s: float = 60.0,
        attente_429_max_s: float = 120.0,
        delai_s: float = 20.0,
        dormir: Callable[[float], None] = time.sleep,
        horloge: Callable[[], float] = time.monotonic,
    ) -> None:
        if not email or not mot_de_passe:
            raise ErreurConnexion(
                "identifiants du compte opérateur absents : réglez UN_ELEVE_UN_STAGE_EMAIL et "
                "UN_ELEVE_UN_STAGE_MOT_DE_PASSE dans l'environnement"
            )
        self.email = email
        self._mot_de_passe = mot_de_passe
        self.tentatives = tentatives
        self.attente_base_s = attente_base_s
        self.attente_max_s = attente_max_s
        self.attente_429_defaut_s = attente_429_defaut_s
        self.attente_429_max_s = attente_429_max_s
        self.dormir = dormir
        self.limiteur = Limiteur(appels_par_minute, dormir, horloge)
        self.appels = 0
        self._jeton: str | None = None
        self._http = httpx.Client(
            base_url=url_api.rstrip("/") + "/",
            timeout=delai_s,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "stages-collectifs"},
        )

    def __enter__(self) -> ClientUnEleveUnStage:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    # --- Points d'entrée de l'API ------------------------------------------------------

    def connecter(self) -> None:
        reponse = self._appeler(
            "POST",
            "auth/login",
            {"email": self.email, "password": self._mot_de_passe},
            authentifie=False,
        )
        jeton = _json(reponse).get("token") if reponse.status_code == 200 else None
        if not jeton:
            raise ErreurConnexion(
                f"connexion à 1 élève, 1 stage refusée (HTTP {reponse.status_code}) : vérifiez "
                "UN_ELEVE_UN_STAGE_EMAIL et UN_ELEVE_UN_STAGE_MOT_DE_PASSE"
            )
        self._jeton = str(jeton)

    def secteurs(self) -> list[dict]:
        reponse = self._appeler("GET", "sectors")
        if reponse.status_code != 200:
            raise ServiceIndisponible(f"liste des secteurs illisible (HTTP {reponse.status_code})")
        donnees = _json(reponse)
        secteurs = donnees.get("sectors") if isinstance(donnees, dict) else donnees
        if not isinstance(secteurs, list):
            raise ServiceIndisponible("liste des secteurs illisible (réponse inattendue)")
        return secteurs

    def creer(self, offre: dict) -> httpx.Response:
        return self._appeler("POST", "internship_offers", {"internship_offer": offre})

    def modifier(self, remote_id: str, champs: dict) -> httpx.Response:
        chemin = "internship_offers/" + quote(remote_id, safe="")
        return self._appeler("PATCH", chemin, {"internship_offer": champs})

    # --- Appels, débit et reprises -----------------------------------------------------

    def _appeler(
        self, methode: str, chemin: str, corps: Any = None, *, authentifie: bool = True
    ) -> httpx.Response:
        if authentifie and self._jeton is None:
            self.connecter()
        passageres = 0
        trop_de_requetes = 0
        reconnecte = False
        while True:
            self.limiteur.attendre()
            self.appels += 1
            try:
                reponse = self._http.request(
                    methode, chemin, json=corps, headers=self._entetes(authentifie)
                )
            except httpx.TransportError as exc:
                passageres += 1
                self._reprise(passageres, f"{type(exc).__name__} sur {methode} /{chemin}")
                continue
            if reponse.status_code == 429:
                trop_de_requetes += 1
                if trop_de_requetes > 2 * self.tentatives:
                    raise ServiceIndisponible("l'API refuse toujours nos appels (HTTP 429)")
                attente = delai_retry_after(
                    reponse.headers.get("Retry-After"), self.attente_429_defaut_s
                )
                self.dormir(min(attente, self.attente_429_max_s))
                continue
            if reponse.status_code in STATUTS_PASSAGERS:
                passageres += 1
                self._reprise(passageres, f"HTTP {reponse.status_code} sur {methode} /{chemin}")
                continue
            if reponse.status_code == 401 and authentifie and not reconnecte:
                reconnecte = True  # jeton expiré (24 h) : une reconnexion, une seule
                self.connecter()
                continue
            return reponse

    def _entetes(self, authentifie: bool) -> dict[str, str]:
        if authentifie and self._jeton:
            return {"Authorization": f"Bearer {self._jeton}"}
        return {}

    def _reprise(self, rang: int, cause: str) -> None:
        if rang >= self.tentatives:
            raise ServiceIndisponible(
                f"1 élève, 1 stage ne répond pas correctement après {rang} essais ({cause}) : "
                "réessayez plus tard ; rien n'a été publié en double"
            )
        self.dormir(min(self.attente_base_s * 2 ** (rang - 1), self.attente_max_s))


def _json(reponse: httpx.Response) -> Any:
    try:
        return reponse.json()
    except ValueError:
        return {}
