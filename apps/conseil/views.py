"""« Où recruter ? » : la page de la coordination et ses exports (CSV, XLSX)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.campagnes.acces import session_active_ou_404
from apps.campagnes.models import Session
from apps.comptes.acces import coordination_requise
from apps.conseil.services import Page, calculer
from apps.projets.models import Projet
from apps.structures.models import StructureAccueil
from moteur.conseiller import COLONNES
from moteur.conseiller.ecriture import ligne

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LIBELLES = {"places": "Places", "jour": "Jour d'accueil", "nouveau_projet": "Nouveau projet"}


@require_GET
@coordination_requise
def index(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    return redirect("conseil:recruter", pk=session.pk)


def _noms_lisibles(session: Session) -> dict[str, str]:
    """Les identifiants internes du moteur (projets, structures) → ce que l'utilisateur
    connaît : le code du projet (`61-025`), le nom de la structure."""
    noms = {
        identifiant: code
        for identifiant, code in Projet.objects.filter(session=session)
        .exclude(code="")
        .values_list("identifiant", "code")
    }
    noms.update(StructureAccueil.objects.filter(session=session).values_list("identifiant", "nom"))
    return noms


def lisible(texte: str, noms: Mapping[str, str]) -> str:
    """Un texte du moteur sans identifiant interne (`P15` → `76-015`, `S041` → nom de la
    structure) ni « élève(s) »."""
    if noms:
        motif = "|".join(re.escape(k) for k in sorted(noms, key=len, reverse=True))
        texte = re.sub(rf"(?<![\w-])({motif})(?![\w-])", lambda m: noms[m[1]], texte)
    return re.sub(
        r"(\d+) élève\(s\)", lambda m: f"{m[1]} élève{'s' if int(m[1]) > 1 else ''}", texte
    )


def _lien(page: Page, projet_id: str, commune: str, epci: str) -> str:
    if projet_id and projet_id in page.projets_pk:
        return reverse("projets:detail", args=[page.projets_pk[projet_id]])
    return f"#epci-{epci}" if epci else ""


def _carte(page: Page) -> dict[str, object]:
    """Les données de la carte (JSON, rendues en texte par le script, jamais en HTML)."""
    par_epci: dict[str, int] = {}
    for ly in page.lycees:
        par_epci[ly.epci] = par_epci.get(ly.epci, 0) + ly.non_places
    return {
        "lycees": [
            {
                "uai": ly.uai,
                "nom": ly.nom,
                "lat": ly.latitude,
                "lon": ly.longitude,
                "non_places": ly.non_places,
                "couvert": ly.couvert,
                "epci": page.noms_epci.get(ly.epci, ""),
            }
            for ly in page.lycees
        ],
        "epci": par_epci,
    }


@require_GET
@coordination_requise
def recruter(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    page = calculer(session)
    from moteur import referentiel

    noms = _noms_lisibles(session)
    projets = dict(Projet.objects.filter(session=session).values_list("identifiant", "nom"))
    recos = []
    for r in page.conseil.recommandations if page.conseil else []:
        commune = referentiel.commune(r.commune_insee)
        epci = commune.epci if commune is not None else ""
        recos.append(
            {
                "r": r,
                "libelle": LIBELLES[r.action],
                "commune": commune.nom if commune is not None else r.commune_insee,
                "lien": _lien(page, r.projet_id, r.commune_insee, epci),
                "projet": f"{noms.get(r.projet_id, '')} {projets.get(r.projet_id, '')}".strip(),
                "explication": lisible(r.explication, noms),
            }
        )
    epci_demande: dict[str, list] = {}
    for ly in page.lycees:
        if ly.non_places:
            epci_demande.setdefault(ly.epci, []).append(ly)
    territoires = [
        {
            "epci": code,
            "nom": page.noms_epci.get(code, code or "hors EPCI"),
            "lycees": lys,
            "total": sum(ly.non_places for ly in lys),
        }
        for code, lys in epci_demande.items()
    ]
    territoires.sort(key=lambda t: (-t["total"], t["nom"]))
    contexte = {
        "session": session,
        "page": page,
        "recos": recos,
        "territoires": territoires,
        "sans_projet": [ly for ly in page.lycees if not ly.couvert],
        "pression_projets": [
            (p, _lien(page, p.projet_id, "", "")) for p in page.pression_projets[:30]
        ],
        "pression_territoires": [
            (t, page.noms_epci.get(t.epci, t.epci or "hors EPCI"))
            for t in page.pression_territoires[:30]
        ],
        "carte": _carte(page),
    }
    return render(request, "conseil/recruter.html", contexte)


@require_GET
@coordination_requise
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Les recommandations (aucune donnée personnelle : projets, communes, nombres) ;
    `?format=csv` (défaut) ou `xlsx`."""
    format = request.GET.get("format", "csv")
    if format not in FORMATS:
        raise Http404("Format d'export inconnu.")
    session = get_object_or_404(Session, pk=pk)
    page = calculer(session)
    lignes = [ligne(r) for r in (page.conseil.recommandations if page.conseil else [])]
    if format == "csv":
        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, lineterminator="\n")
        ecrivain.writerow(COLONNES)
        ecrivain.writerows(lignes)
        contenu: bytes = ("\ufeff" + tampon.getvalue()).encode("utf-8")
    else:
        from openpyxl import Workbook

        classeur = Workbook()
        feuille = classeur.active
        feuille.title = "Recommandations"
        feuille.append(list(COLONNES))
        for rangee in lignes:
            feuille.append(list(rangee))
        tampon_b = io.BytesIO()
        classeur.save(tampon_b)
        contenu = tampon_b.getvalue()
    reponse = HttpResponse(contenu, content_type=FORMATS[format])
    reponse["Content-Disposition"] = f'attachment; filename="recommandations-{session.pk}.{format}"'
    return reponse
