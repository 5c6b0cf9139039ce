"""Pages des structures d'accueil : élèves attendus jour par jour et feuille de présence.

Les noms des élèves n'apparaissent qu'après la publication des résultats de la session,
et seulement ceux des élèves qui viennent dans cette structure ; avant, les identifiants
pseudonymes seuls."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.campagnes.models import Session
from apps.conventions import services
from apps.conventions.acces import EntreeInvalide, date_du_formulaire, structure_ou_404
from apps.conventions.models import Presence
from apps.etablissements.models import Eleve, IdentiteEleve
from apps.journal.services import Action, journaliser
from apps.projets.models import Creneau
from apps.structures.models import StructureAccueil
from moteur.documents import eleves_attendus

STATUTS_NOMS_VISIBLES = (Session.Statut.PUBLIEE, Session.Statut.CLOSE)


def noms_visibles(session: Session) -> bool:
    """Les résultats sont publiés : la structure peut lire les noms de ses élèves."""
    return session.statut in STATUTS_NOMS_VISIBLES


def _noms(structure: StructureAccueil, identifiants: set[str]) -> dict[str, str]:
    if not identifiants or not noms_visibles(structure.session):
        return {}
    return {
        ident: f"{prenom} {nom}"
        for ident, prenom, nom in IdentiteEleve.objects.filter(
            eleve__session=structure.session, eleve__identifiant__in=identifiants
        )
        .order_by("eleve_id")
        .values_list("eleve__identifiant", "prenom", "nom")
    }


@login_required
@require_GET
def attendus(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_ou_404(request, pk)
    ctx = services.contexte(structure.session)
    liste = eleves_attendus(ctx.donnees, ctx.plan, structure.identifiant)
    identifiants = {e for groupes in liste.par_jour.values() for _, _, ids in groupes for e in ids}
    presences = {
        (ident, jour): statut
        for ident, jour, statut in Presence.objects.filter(structure=structure)
        .order_by("date")
        .values_list("eleve__identifiant", "date", "statut")
    }
    noms = _noms(structure, identifiants)
    if noms:
        journaliser(
            request.user,
            Action.CONSULTATION,
            f"élèves attendus par la structure {structure.identifiant} (noms)",
            session=structure.session,
            nombre_eleves=len(noms),
        )
    jours = [
        (
            jour,
            [
                (projet, groupe, [(e, noms.get(e, ""), presences.get((e, jour), "")) for e in ids])
                for projet, groupe, ids in groupes
            ],
            liste.total(jour),
        )
        for jour, groupes in liste.par_jour.items()
    ]
    return render(
        request,
        "conventions/attendus.html",
        {
            "structure": structure,
            "jours": jours,
            "noms_visibles": noms_visibles(structure.session),
            "libelles_presence": dict(Presence.Statut.choices),
        },
    )


def _eleve_de_la_structure(structure: StructureAccueil, identifiant: str, jour) -> Eleve:
    eleve = Eleve.objects.filter(session=structure.session, identifiant=identifiant).first()
    if (
        eleve is None
        or not Creneau.objects.filter(
            structure=structure, date=jour, groupe__affectations__eleve=eleve
        ).exists()
    ):
        raise Http404("Cet élève n'est pas attendu ici ce jour-là.")
    return eleve


@login_required
@require_POST
def presence_structure(request: HttpRequest, pk: int) -> HttpResponse:
    """La structure note la présence d'un élève attendu chez elle ce jour-là."""
    structure = structure_ou_404(request, pk)
    try:
        jour = date_du_formulaire(request.POST.get("date"))
    except EntreeInvalide as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    eleve = _eleve_de_la_structure(structure, request.POST.get("eleve", ""), jour)
    statut = request.POST.get("statut", "")
    if statut not in Presence.Statut.values:
        return HttpResponse(
            "Champ « statut » : présent, absent ou excusé.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    Presence.objects.update_or_create(
        eleve=eleve,
        date=jour,
        defaults={"structure": structure, "statut": statut, "saisie_par": request.user},
    )
    journaliser(
        request.user,
        Action.MODIFICATION,
        f"présence de l'élève {eleve.identifiant} le {jour:%d/%m}",
        session=structure.session,
    )
    return redirect("conventions:attendus", pk=pk)
