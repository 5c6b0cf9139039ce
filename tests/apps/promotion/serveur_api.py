"""Un serveur de test de l'API v2 de « 1 élève, 1 stage », lancé par les tests eux-mêmes
(http.server dans un fil, port libre) : il applique les règles documentées de l'API
(doc/api/v2/README.md et modèle InternshipOffer de betagouv/monstagedeseconde) — connexion
JWT, secteurs, offres (POST, GET, PATCH, DELETE), validation, 409 sur un `remote_id` en
double, 429 au-delà du débit avec `Retry-After`."""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

PREFIXE = "/api/v2"
SECTEURS = [
    "Agriculture",
    "Agroéquipement",
    "Arts du spectacle",
    "Banque et assurance",
    "Bâtiment et travaux publics (BTP)",
    "Commerce et distribution",
    "Communication",
    "Comptabilité, gestion, ressources humaines",
    "Énergie",
    "Fonction publique",
    "Hôtellerie, restauration",
    "Industrie, ingénierie industrielle",
    "Logistique et transport",
    "Maintenance",
    "Métiers d'art",
    "Santé",
    "Social",
    "Tourisme",
]
CHAMPS_CREATION = {
    "title",
    "description",
    "employer_name",
    "employer_chosen_name",
    "employer_description",
    "employer_website",
    "street",
    "zipcode",
    "city",
    "remote_id",
    "permalink",
    "sector_uuid",
    "type",
    "max_candidates",
    "is_public",
    "period",
    "handicap_accessible",
    "lunch_break",
    "rep",
    "qpv",
    "grades",
    "weeks",
    "daily_hours",
    "coordinates",
}
CHAMPS_MODIFICATION = (CHAMPS_CREATION - {"remote_id", "type"}) | {"published_at"}
LIMITES = {
    "title": 150,
    "description": 1500,
    "employer_name": 150,
    "employer_description": 275,
    "employer_website": 560,
    "street": 500,
    "city": 50,
    "permalink": 200,
}
OBLIGATOIRES = (
    "title",
    "description",
    "employer_name",
    "employer_description",
    "street",
    "zipcode",
    "city",
    "sector_uuid",
    "remote_id",
    "permalink",
    "coordinates",
)


@dataclass
class EtatApi:
    email: str = "operateur@exemple.fr"
    mot_de_passe: str = "mot-de-passe-operateur"
    appels_max: int = 100
    fenetre_s: float = 60.0
    retry_after: str | None = "1"
    semaines_obligatoires: tuple[str, ...] = ("2026-W25", "2026-W26")
    secteurs: dict[str, str] = field(default_factory=dict)  # uuid -> nom
    offres: dict[str, dict[str, Any]] = field(default_factory=dict)  # remote_id -> offre
    jetons: set[str] = field(default_factory=set)
    appels: list[float] = field(default_factory=list)
    journal: list[tuple[str, str, int]] = field(default_factory=list)  # (méthode, chemin, code)
    pannes: list[int] = field(default_factory=list)  # codes à renvoyer aux prochains appels
    pannes_sur: str = ""  # seulement sur les chemins qui commencent ainsi
    verrou: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.secteurs:
            self.secteurs = {
                f"uuid-{i:02d}-{secrets.token_hex(4)}": n for i, n in enumerate(SECTEURS)
            }

    def requetes(self, methode: str, prefixe: str = "/internship_offers") -> list[int]:
        return [c for m, p, c in self.journal if m == methode and p.startswith(prefixe)]


def _jwt(utilisateur: int) -> str:
    def b64(donnees: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(donnees).encode()).decode().rstrip("=")

    signature = secrets.token_urlsafe(16)
    return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64({'user_id': utilisateur})}.{signature}"


def _manque(erreurs: dict[str, list[str]], champ: str) -> None:
    erreurs.setdefault(champ, []).append(f"Missing {champ}")


def valider(offre: dict[str, Any], etat: EtatApi, creation: bool) -> dict[str, list[str]]:
    """Les règles du modèle InternshipOffer / InternshipOffers::Api."""
    erreurs: dict[str, list[str]] = {}
    for champ in OBLIGATOIRES:
        if offre.get(champ) in (None, "", {}):
            _manque(erreurs, champ)
    for champ, limite in LIMITES.items():
        valeur = offre.get(champ)
        if isinstance(valeur, str) and len(valeur) > limite:
            erreurs.setdefault(champ, []).append(f"is too long (maximum is {limite} characters)")
    if offre.get("zipcode") and not re.fullmatch(r"[0-9]{5}", str(offre["zipcode"])):
        erreurs.setdefault("zipcode", []).append("is invalid")
    if offre.get("sector_uuid") and offre["sector_uuid"] not in etat.secteurs:
        erreurs.setdefault("sector", []).append("must exist")
    permalien = str(offre.get("permalink") or "")
    if re.search(r"test|staging", permalien, re.I):
        erreurs.setdefault("permalink", []).append(
            "Le lien ne doit pas renvoyer vers un environnement de test."
        )
    places = offre.get("max_candidates", 1)
    if not isinstance(places, int) or isinstance(places, bool) or not 0 < places <= 6000:
        erreurs.setdefault("max_candidates", []).append("must be between 1 and 6000")
    pause = offre.get("lunch_break")
    if pause is not None and not 11 <= len(str(pause)) <= 500:
        erreurs.setdefault("lunch_break", []).append("length must be between 11 and 500")
    coordonnees = offre.get("coordinates")
    if coordonnees and not (
        isinstance(coordonnees, dict) and {"latitude", "longitude"} <= set(coordonnees)
    ):
        erreurs.setdefault("coordinates", []).append("is invalid")
    return erreurs


class Gestionnaire(BaseHTTPRequestHandler):
    server: ServeurApi

    def log_message(self, *args: object) -> None:  # silence dans les tests
        return

    # -- outils ---------------------------------------------------------------------------

    def _repondre(self, code: int, corps: Any, entetes: dict[str, str] | None = None) -> None:
        donnees = json.dumps(corps).encode()
        # Consigné AVANT de répondre : le client peut avoir fini (et le test lu le journal)
        # avant que ce fil ne reprenne la main après l'envoi.
        self.server.etat.journal.append((self.command, self._chemin(), code))
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(donnees)))
        for nom, valeur in (entetes or {}).items():
            self.send_header(nom, valeur)
        self.end_headers()
        self.wfile.write(donnees)

    def _chemin(self) -> str:
        chemin = urlsplit(self.path).path.rstrip("/")
        return chemin[len(PREFIXE) :] if chemin.startswith(PREFIXE) else chemin

    def _corps(self) -> Any:
        longueur = int(self.headers.get("Content-Length") or 0)
        brut = self.rfile.read(longueur) if longueur else b""
        try:
            return json.loads(brut or b"{}")
        except ValueError:
            return None

    def _filtrer(self) -> bool:
        """Pannes simulées puis débit ; vrai si la requête a déjà reçu sa réponse."""
        etat = self.server.etat
        with etat.verrou:
            if etat.pannes and self._chemin().startswith(etat.pannes_sur):
                code = etat.pannes.pop(0)
                self._repondre(code, {"error": "Service indisponible"})
                return True
            maintenant = time.monotonic()
            etat.appels = [t for t in etat.appels if maintenant - t < etat.fenetre_s]
            if len(etat.appels) >= etat.appels_max:
                entetes = {"Retry-After": etat.retry_after} if etat.retry_after else {}
                self._repondre(
                    429,
                    {"error": "Trop de requêtes - Limite d'utilisation de l'API dépassée."},
                    entetes,
                )
                return True
            etat.appels.append(maintenant)
        return False

    def _authentifie(self) -> bool:
        entete = self.headers.get("Authorization", "")
        if entete.startswith("Bearer ") and entete[7:] in self.server.etat.jetons:
            return True
        self._repondre(401, {"code": "UNAUTHORIZED", "error": "access denied"})
        return False

    # -- routes ---------------------------------------------------------------------------

    def _route(self) -> tuple[str, str | None]:
        chemin = self._chemin()
        m = re.fullmatch(r"/internship_offers/([^/]+)", chemin)
        if m:
            return "/internship_offers/:id", unquote(m.group(1))
        return chemin, None

    def do_POST(self) -> None:
        if self._filtrer():
            return
        route, _ = self._route()
        corps = self._corps()
        if route == "/auth/login":
            etat = self.server.etat
            if isinstance(corps, dict) and (corps.get("email"), corps.get("password")) == (
                etat.email,
                etat.mot_de_passe,
            ):
                jeton = _jwt(1)
                etat.jetons.add(jeton)
                self._repondre(200, {"token": jeton})
            else:
                self._repondre(401, {"error": "Invalid email or password"})
            return
        if route != "/internship_offers":
            self._repondre(404, {"error": "not found"})
            return
        if self._authentifie():
            self._creer(corps)

    def _verifier_semaines(self, offre: dict) -> bool:
        for param in ("grades", "weeks"):
            if not offre.get(param):
                self._repondre(400, {"code": "BAD_ARGUMENT", "error": f"param is missing: {param}"})
                return False
        grades = offre["grades"]
        if "seconde" in grades and {"troisieme", "quatrieme"} & set(grades):
            self._repondre(
                422,
                {
                    "code": "WRONG_PARAMS",
                    "error": "Grades must be either college or lycee, not both",
                },
            )
            return False
        obligatoires = self.server.etat.semaines_obligatoires
        if "seconde" in grades and not all(s in offre["weeks"] for s in obligatoires):
            self._repondre(
                422,
                {
                    "code": "WRONG_PARAMS",
                    "error": "All mandatory weeks must be included for seconde grade",
                },
            )
            return False
        return True

    def _creer(self, corps: Any) -> None:
        etat = self.server.etat
        offre = corps.get("internship_offer") if isinstance(corps, dict) else None
        if not isinstance(offre, dict):
            self._repondre(400, {"code": "BAD_ARGUMENT", "error": "internship_offer"})
            return
        offre = {k: v for k, v in offre.items() if k in CHAMPS_CREATION}
        if not self._verifier_semaines(offre):
            return
        erreurs = valider(offre, etat, creation=True)
        if erreurs:
            self._repondre(400, {"code": "VALIDATION_ERROR", "error": erreurs})
            return
        with etat.verrou:
            if offre["remote_id"] in etat.offres:
                self._repondre(
                    409,
                    {
                        "code": "DUPLICATE_INTERNSHIP_OFFER",
                        "error": f"internship_offer with this remote_id ({offre['remote_id']}) "
                        "already exists",
                    },
                )
                return
            offre["published_at"] = "2026-05-01T10:00:00Z"
            offre["id"] = len(etat.offres) + 1
            etat.offres[offre["remote_id"]] = offre
        self._repondre(201, offre)

    def do_GET(self) -> None:
        if self._filtrer() or not self._authentifie():
            return
        route, _ = self._route()
        if route == "/sectors":
            self._repondre(
                200,
                {
                    "sectors": [
                        {"id": i, "name": nom, "external_url": "", "uuid": uuid}
                        for i, (uuid, nom) in enumerate(self.server.etat.secteurs.items())
                    ]
                },
            )
        elif route == "/internship_offers":
            offres = list(self.server.etat.offres.values())
            self._repondre(
                200,
                {
                    "pagination": {"totalInternshipOffers": len(offres), "currentPage": 1},
                    "internshipOffers": offres,
                },
            )
        else:
            self._repondre(404, {"error": "not found"})

    def do_PATCH(self) -> None:
        if self._filtrer() or not self._authentifie():
            return
        route, remote_id = self._route()
        etat = self.server.etat
        if route != "/internship_offers/:id" or remote_id not in etat.offres:
            self._repondre(404, {"code": "NOT_FOUND", "error": "Internship offer not found"})
            return
        corps = self._corps()
        champs = corps.get("internship_offer") if isinstance(corps, dict) else None
        if not isinstance(champs, dict) or not champs:
            self._repondre(422, {"code": "BAD_ARGUMENT", "error": "no parameter to update"})
            return
        champs = {k: v for k, v in champs.items() if k in CHAMPS_MODIFICATION}
        if "weeks" in champs and "grades" in champs and not self._verifier_semaines(champs):
            return
        nouvelle = {**etat.offres[remote_id], **champs}
        erreurs = valider(nouvelle, etat, creation=False)
        if erreurs:
            self._repondre(400, {"code": "VALIDATION_ERROR", "error": erreurs})
            return
        etat.offres[remote_id] = nouvelle
        self._repondre(200, nouvelle)

    def do_DELETE(self) -> None:
        if self._filtrer() or not self._authentifie():
            return
        route, remote_id = self._route()
        etat = self.server.etat
        if route != "/internship_offers/:id" or remote_id not in etat.offres:
            self._repondre(404, {"code": "NOT_FOUND", "error": "Internship offer not found"})
            return
        del etat.offres[remote_id]
        self._repondre(200, {"remote_id": remote_id})


class ServeurApi(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, etat: EtatApi) -> None:
        super().__init__(("127.0.0.1", 0), Gestionnaire)  # port 0 : un port libre
        self.etat = etat
        self.fil = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        hote, port = self.server_address[:2]
        return f"http://{hote}:{port}/api/v2"

    def __enter__(self) -> ServeurApi:
        self.fil.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self.fil.join(timeout=5)
