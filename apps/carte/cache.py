"""Cache des pages publiques de la carte pour les visiteurs anonymes.

La carte, la liste, les fiches et leurs GeoJSON sont les pages les plus demandées (élèves,
familles, partenaires). Pour un visiteur sans session ni message en attente, la réponse
**complète** (corps compressé en gzip une fois pour toutes, en-têtes de sécurité et CSP
compris) est gardée dans le cache partagé entre les processus gunicorn
(`FileBasedCache`, voir `conf/settings/base.py`) et rejouée par
`ReponsesPubliquesMiddleware`, placé en tête des intergiciels : une page en cache ne
traverse ni la résolution d'URL, ni la session, ni l'authentification, ni la vue, et ne
coûte **aucune requête** en base.

La clé porte l'adresse complète (filtres compris), l'en-tête htmx et une « version » :
- pour les pages et les marqueurs, la version des données de la carte (dernière
  modification des projets, nombre de projets sur la carte, nombre et plus grand
  identifiant des affectations publiées, recréées à chaque publication), gardée
  `DUREE_VERSION` secondes ; l'enregistrement d'un projet, d'une affectation ou d'une
  session l'efface aussitôt pour tous les processus (signaux, cache partagé) ;
- pour les contours, la version du référentiel (nombre de territoires et taille de leurs
  contours), relue toutes les `DUREE_VERSION_REFERENTIEL` secondes : les contours ne
  changent qu'au rechargement du référentiel.

Chaque réponse porte un ETag (empreinte du corps) et Last-Modified : un navigateur qui
revalide reçoit 304 sans corps. Les contours sont publics et gardés une heure par le
navigateur ; les pages et les marqueurs sont revalidés à chaque fois (`no-cache`).
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from apps.campagnes.models import Session
from apps.planification.models import Affectation
from apps.projets.models import Projet

DUREE = 60
DUREE_CONTOURS = 24 * 3600
# La version des données est gardée 2 s : sous forte affluence, une page ne coûte plus
# aucune requête. Enregistrer un projet, une affectation ou une session l'efface aussitôt.
DUREE_VERSION = 2
DUREE_VERSION_REFERENTIEL = 300
CLE_VERSION = "carte:version"
CLE_VERSION_REFERENTIEL = "carte:version-referentiel"
PREFIXE = "/carte/"
PREFIXE_CONTOURS = "/carte/contours/"
CACHE_CONTROL_CONTOURS = "public, max-age=3600"
CACHE_CONTROL_PAGES = "no-cache"
VARY = ("Cookie", "HX-Request", "Accept-Encoding")
# En-têtes propres à chaque réponse, jamais rejoués depuis le cache.
EN_TETES_EXCLUS = {
    "set-cookie",
    "content-length",
    "content-encoding",
    "vary",
    "etag",
    "last-modified",
    "cache-control",
    "date",
}
ATTRIBUT_CACHABLE = "page_publique"
Vue = Callable[..., HttpResponse]


def oublier_version(**_kwargs) -> None:
    cache.delete(CLE_VERSION)


def session_et_version() -> tuple[int | None, str]:
    """(pk de la session active, version des données de la carte), mis en cache 2 s."""
    valeur = cache.get(CLE_VERSION)
    if valeur is None:
        session = Session.objects.active()
        valeur = (session and session.pk, version_carte(session))
        cache.set(CLE_VERSION, valeur, DUREE_VERSION)
    return valeur


def version_carte(session: Session | None) -> str:
    """Change dès qu'un projet de la carte change, qu'un résultat est publié ou que le flux
    GTFS change (3 requêtes).

    Pour les résultats, le nombre d'affectations publiées ne suffit pas : republier un
    nouveau plan de même taille le garderait. Or la publication d'un plan remplace les
    affectations (supprimées puis recréées, `enregistrement_plan.enregistrer_plan`) : le plus grand
    identifiant des affectations publiées change à chaque publication de nouveaux résultats.
    """
    if session is None:
        return "aucune"
    from apps.carte.filtres import STATUTS_CARTE

    projets = Projet.objects.de_la_session(session).filter(statut__in=STATUTS_CARTE)
    etat = projets.aggregate(derniere=Max("modifie_le"), nombre=Count("pk"))
    publiees = Affectation.objects.filter(eleve__session=session, publiee=True).aggregate(
        nombre=Count("pk"), dernier=Max("pk")
    )
    # Le flux GTFS (couche isochrone des fiches) : téléversé, remplacé ou re-réglé.
    from apps.mobilite.models import FluxTransport

    flux = FluxTransport.objects.filter(session=session).values_list("empreinte", "televerse_le")
    return (
        f"{session.pk}:{session.statut}:{etat['derniere']}:{etat['nombre']}:"
        f"{publiees['nombre']}:{publiees['dernier']}:{flux.first()}"
    )


def version_referentiel() -> str:
    """Empreinte des contours en base (nombre et taille par niveau), gardée 5 min."""
    valeur = cache.get(CLE_VERSION_REFERENTIEL)
    if valeur is None:
        from apps.territoires.models import Commune, Departement, Epci

        morceaux = []
        for modele in (Departement, Epci, Commune):
            etat = modele.objects.aggregate(n=Count("pk"), taille=Sum(Length("contour")))
            morceaux.append(f"{etat['n']}:{etat['taille'] or 0}")
        valeur = "/".join(morceaux)
        cache.set(CLE_VERSION_REFERENTIEL, valeur, DUREE_VERSION_REFERENTIEL)
    return valeur


def anonyme_sans_etat(request: HttpRequest) -> bool:
    """Ni session (compte, messages en attente) ni cookie de messages : page identique pour
    tous, on peut la servir du cache sans rien lire d'autre."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_publique_en_cache(vue: Vue) -> Vue:
    """Marque la réponse de la vue comme publique : `ReponsesPubliquesMiddleware` la garde
    en cache pour les visiteurs anonymes."""

    @wraps(vue)
    def _vue(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        reponse = vue(request, *args, **kwargs)
        setattr(reponse, ATTRIBUT_CACHABLE, True)
        patch_vary_headers(reponse, ("HX-Request",))
        return reponse

    return _vue


@dataclass(slots=True, frozen=True)
class ReponseEnregistree:
    """Une réponse prête à rejouer : corps gzip, en-têtes, ETag et date de création."""

    statut: int
    en_tetes: tuple[tuple[str, str], ...]
    corps_gzip: bytes
    etag: str
    modifiee: int
    cache_control: str

    @classmethod
    def depuis(cls, reponse: HttpResponse, cache_control: str) -> ReponseEnregistree:
        corps = reponse.content
        return cls(
            statut=reponse.status_code,
            en_tetes=tuple(
                (nom, valeur)
                for nom, valeur in reponse.items()
                if nom.lower() not in EN_TETES_EXCLUS
            ),
            # mtime=0 : même corps, mêmes octets, d'un processus à l'autre.
            corps_gzip=gzip.compress(corps, compresslevel=6, mtime=0),
            etag='"' + hashlib.blake2b(corps, digest_size=12).hexdigest() + '"',
            modifiee=int(time.time()),
            cache_control=cache_control,
        )

    def repondre(self, request: HttpRequest) -> HttpResponse:
        if self._non_modifiee(request):
            reponse = HttpResponseNotModified()
        elif "gzip" in request.headers.get("Accept-Encoding", ""):
            reponse = HttpResponse(self.corps_gzip, status=self.statut)
            reponse["Content-Encoding"] = "gzip"
        else:
            reponse = HttpResponse(gzip.decompress(self.corps_gzip), status=self.statut)
        if reponse.status_code != 304:
            for nom, valeur in self.en_tetes:
                reponse[nom] = valeur
        reponse["ETag"] = self.etag
        reponse["Last-Modified"] = http_date(self.modifiee)
        reponse["Cache-Control"] = self.cache_control
        reponse["Vary"] = ", ".join(VARY)
        return reponse

    def _non_modifiee(self, request: HttpRequest) -> bool:
        etags = request.headers.get("If-None-Match")
        if etags is not None:
            return etags.strip() == "*" or self.etag in {e.strip() for e in etags.split(",")}
        depuis = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return depuis is not None and self.modifiee <= depuis


class ReponsesPubliquesMiddleware:
    """Rejoue depuis le cache partagé les pages publiques de la carte (visiteurs anonymes).

    À placer en tête de `MIDDLEWARE` : la réponse enregistrée porte déjà les en-têtes que
    les autres intergiciels ont posés (sécurité, CSP, langue)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (request.path.startswith(PREFIXE) and anonyme_sans_etat(request)):
            return self.get_response(request)
        contours = request.path.startswith(PREFIXE_CONTOURS)
        version = version_referentiel() if contours else session_et_version()[1]
        htmx = request.headers.get("HX-Request") == "true"
        brut = f"{version}|{request.get_full_path()}|{htmx}"
        cle = "carte:reponse:" + hashlib.sha256(brut.encode()).hexdigest()
        enregistree = cache.get(cle)
        if enregistree is None:
            reponse = self.get_response(request)
            if not self._a_garder(reponse):
                return reponse
            enregistree = ReponseEnregistree.depuis(
                reponse, CACHE_CONTROL_CONTOURS if contours else CACHE_CONTROL_PAGES
            )
            cache.set(cle, enregistree, DUREE_CONTOURS if contours else DUREE)
        return enregistree.repondre(request)

    @staticmethod
    def _a_garder(reponse: HttpResponse) -> bool:
        return (
            getattr(reponse, ATTRIBUT_CACHABLE, False)
            and reponse.status_code == 200
            and not reponse.streaming
            and not reponse.cookies
        )
