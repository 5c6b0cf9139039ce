"""Cache des pages publiques de la carte pour les visiteurs anonymes.

La carte et la liste sont les pages les plus demandées (élèves, familles, partenaires) :
pour un visiteur sans session, la page rendue est gardée en cache, sous une clé qui porte
l'adresse complète (filtres compris), l'en-tête htmx et une « version » des données de la
carte (dernière modification des projets, nombre de projets sur la carte, nombre
d'affectations publiées). Toute validation, modification ou publication change la version :
le cache n'est jamais plus vieux que `DUREE` secondes pour le reste (noms des structures).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from apps.campagnes.models import Session
from apps.planification.models import Affectation
from apps.projets.models import Projet

DUREE = 60
# La version elle-même est gardée 2 s : sous forte affluence, la page ne coûte alors plus
# aucune requête. Enregistrer un projet, une affectation ou une session l'efface aussitôt
# dans ce processus (signaux) ; les autres processus la relisent au plus 2 s après.
DUREE_VERSION = 2
CLE_VERSION = "carte:version"
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
    """Change dès qu'un projet de la carte change ou qu'un résultat est publié (2 requêtes)."""
    if session is None:
        return "aucune"
    from apps.carte.filtres import STATUTS_CARTE

    projets = Projet.objects.de_la_session(session).filter(statut__in=STATUTS_CARTE)
    etat = projets.aggregate(derniere=Max("modifie_le"), nombre=Count("pk"))
    publiees = Affectation.objects.filter(eleve__session=session, publiee=True).count()
    return f"{session.pk}:{session.statut}:{etat['derniere']}:{etat['nombre']}:{publiees}"


def _anonyme_sans_etat(request: HttpRequest) -> bool:
    """Ni session (compte, messages en attente) ni cookie de messages : page identique pour
    tous, on peut la servir du cache sans rien lire d'autre."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_publique_en_cache(vue: Vue) -> Vue:
    @wraps(vue)
    def _vue(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _anonyme_sans_etat(request):
            reponse = vue(request, *args, **kwargs)
        else:
            reponse = _depuis_le_cache(vue, request, *args, **kwargs)
        patch_vary_headers(reponse, ("HX-Request",))
        return reponse

    return _vue


def _depuis_le_cache(vue: Vue, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    _session, version = session_et_version()
    brut = f"{request.get_full_path()}|{bool(request.htmx)}|{version}"
    cle = "carte:page:" + hashlib.sha256(brut.encode()).hexdigest()
    enregistre = cache.get(cle)
    if enregistre is not None:
        contenu, type_contenu, statut = enregistre
        return HttpResponse(contenu, content_type=type_contenu, status=statut)
    reponse = vue(request, *args, **kwargs)
    if reponse.status_code in (200, 404) and not reponse.streaming:
        cache.set(cle, (reponse.content, reponse["Content-Type"], reponse.status_code), DUREE)
    return reponse
