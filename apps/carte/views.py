"""Pages publiques : la carte régionale, la liste des projets et la fiche de chaque projet."""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from apps.campagnes.models import Session
from apps.carte.cache import (
    CACHE_CONTROL_CONTOURS,
    page_publique_en_cache,
    session_et_version,
    version_referentiel,
)
from apps.carte.filtres import FiltresCarte, projets_sur_la_carte
from apps.carte.isochrone import lycees_atteignant
from apps.projets.models import Creneau, Projet
from apps.structures.models import StructureAccueil
from apps.territoires.models import Commune, Departement, Epci
from moteur.modele import DOMAINES_ROME
from moteur.referentiel import CODES_NORMANDIE

DUREE_CACHE_CONTOURS = 24 * 3600
DUREE_CACHE_MARQUEURS = 30


def _avec_structures(projets: QuerySet[Projet]) -> QuerySet[Projet]:
    structures = StructureAccueil.objects.only("id", "nom", "domaines").order_by("nom")
    return projets.prefetch_related(Prefetch("structures", queryset=structures))


def _contexte_liste(request: HttpRequest) -> dict:
    session = Session.objects.active()
    filtres = FiltresCarte(request.GET or None, session=session)
    projets = list(_avec_structures(filtres.filtrer(projets_sur_la_carte(session))))
    for projet in projets:
        codes = sorted({d for s in projet.structures.all() for d in s.liste_domaines})
        projet.domaines_couverts = [(c, DOMAINES_ROME.get(c, c)) for c in codes]
    return {
        "session": session,
        "filtres": filtres,
        "projets": projets,
        "requete": request.GET.urlencode(),
    }


@require_GET
@page_publique_en_cache
def carte(request: HttpRequest) -> HttpResponse:
    contexte = _contexte_liste(request)
    if request.htmx:
        return render(request, "carte/_liste.html", contexte)
    return render(request, "carte/carte.html", contexte)


@require_GET
@page_publique_en_cache
def liste(request: HttpRequest) -> HttpResponse:
    contexte = _contexte_liste(request)
    if request.htmx:
        return render(request, "carte/_liste.html", contexte)
    return render(request, "carte/liste.html", contexte)


@require_GET
@page_publique_en_cache
def fiche(request: HttpRequest, pk: int) -> HttpResponse:
    session = Session.objects.active()
    projet = get_object_or_404(
        _avec_structures(projets_sur_la_carte(session)).select_related("porteur"), pk=pk
    )
    creneaux = list(
        Creneau.objects.filter(groupe__projet=projet)
        .select_related("groupe", "structure")
        .order_by("groupe__libelle", "date")
    )
    return render(
        request,
        "carte/fiche.html",
        {
            "projet": projet,
            "session": session,
            "structures": list(projet.structures.all()),
            "programme": _grille(creneaux),
            "domaines": DOMAINES_ROME,
            "marqueur": {"lat": projet.latitude, "lon": projet.longitude, "nom": projet.nom},
            "isochrone": lycees_atteignant(projet),
        },
    )


def _grille(creneaux: list[Creneau]) -> dict:
    """Le programme en grille groupes × jours, pour le gabarit."""
    dates = sorted({c.date for c in creneaux})
    lignes: dict[str, dict] = {}
    for c in creneaux:
        lignes.setdefault(c.groupe.libelle, {})[c.date] = c.structure.nom
    return {
        "dates": dates,
        "lignes": [(g, [jours.get(d, "") for d in dates]) for g, jours in lignes.items()],
    }


@require_GET
@page_publique_en_cache
def marqueurs(request: HttpRequest) -> HttpResponse:
    """Les projets filtrés en GeoJSON (points), pour les marqueurs de la carte."""
    session_pk, version = session_et_version()
    cle = (
        "carte:marqueurs:"
        + hashlib.sha256(f"{session_pk}|{version}|{request.GET.urlencode()}".encode()).hexdigest()
    )
    corps = cache.get(cle)
    if corps is None:
        session = Session.objects.active()
        filtres = FiltresCarte(request.GET or None, session=session)
        corps = json.dumps(
            {
                "type": "FeatureCollection",
                "features": [_point(p) for p in filtres.filtrer(projets_sur_la_carte(session))],
            },
            ensure_ascii=False,
        )
        cache.set(cle, corps, DUREE_CACHE_MARQUEURS)
    reponse = HttpResponse(corps, content_type="application/geo+json")
    patch_vary_headers(reponse, ("HX-Request",))
    return reponse


def _point(projet: Projet) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [projet.longitude, projet.latitude]},
        "properties": {
            "id": projet.pk,
            "code": projet.code,
            "nom": projet.nom,
            "type": Projet.LIBELLES_TYPE.get(projet.type, projet.type),
            "commune": projet.commune.nom,
            "places": projet.places,
            "places_restantes": projet.places_restantes,
            "url": reverse("carte:fiche", args=[projet.pk]),
        },
    }


NIVEAUX = {"departements", "epci", "communes"}


@require_GET
@page_publique_en_cache
def contours(request: HttpRequest, niveau: str) -> HttpResponse:
    """Contours des territoires en GeoJSON, lus en base et mis en cache (pas de tuiles).

    Pour les visiteurs anonymes, `ReponsesPubliquesMiddleware` sert la réponse entière
    (gzip, ETag, Last-Modified) sans passer par ici."""
    if niveau not in NIVEAUX:
        raise Http404("Niveau de contour inconnu.")
    departement = request.GET.get("departement", "")
    if niveau == "communes" and departement not in CODES_NORMANDIE:
        raise Http404("Précisez un département normand (?departement=14).")
    cle = f"carte:contours:{version_referentiel()}:{niveau}:{departement}"
    corps = cache.get(cle)
    if corps is None:
        corps = _collection(_lignes_contours(niveau, departement))
        cache.set(cle, corps, DUREE_CACHE_CONTOURS)
    reponse = HttpResponse(corps, content_type="application/geo+json")
    reponse["Cache-Control"] = CACHE_CONTROL_CONTOURS
    return reponse


def _lignes_contours(niveau: str, departement: str) -> list[tuple[str, str, str]]:
    if niveau == "departements":
        lignes = Departement.objects.filter(code__in=CODES_NORMANDIE)
    elif niveau == "epci":
        lignes = Epci.objects.filter(communes__departement_id__in=CODES_NORMANDIE).distinct()
    else:
        lignes = Commune.objects.filter(departement_id=departement)
    return list(lignes.exclude(contour="").order_by("pk").values_list("pk", "nom", "contour"))


def _collection(lignes: list[tuple[str, str, str]]) -> str:
    """Assemble le GeoJSON sans relire les géométries, déjà stockées en GeoJSON."""
    morceaux = [
        '{"type":"Feature","properties":'
        + json.dumps({"code": code, "nom": nom}, ensure_ascii=False)
        + ',"geometry":'
        + contour
        + "}"
        for code, nom, contour in lignes
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(morceaux) + "]}"
