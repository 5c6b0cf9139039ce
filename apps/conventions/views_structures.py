"""Pages des structures d'accueil : élèves attendus jour par jour et feuille de présence.

Seuls comptent les groupes des projets validés ou publiés : le programme en brouillon d'un
porteur n'atteint jamais une structure. Les projets sont nommés par leur nom et leur code
lisible (« 61-025 »), jamais par un identifiant interne.

Les noms des élèves n'apparaissent qu'après la publication des résultats de la session,
et seulement ceux des élèves qui viennent dans cette structure ; avant, les identifiants
pseudonymes seuls."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.campagnes.models import Session
from apps.conventions.acces import EntreeInvalide, date_du_formulaire, structure_ou_404
from apps.conventions.models import Presence
from apps.etablissements.models import Eleve, IdentiteEleve
from apps.journal.services import Action, journaliser
from apps.planification.models import Affectation
from apps.projets.models import Creneau, Projet
from apps.structures.models import StructureAccueil

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


@dataclass(slots=True)
class GroupeAttendu:
    """Un groupe d'un projet validé, attendu un jour donné : ses élèves (identifiants)."""

    projet: Projet
    libelle: str
    eleves: list[str]
    lignes: list[tuple[str, str, str]] = field(default_factory=list)  # (élève, nom, présence)


def groupes_attendus(structure: StructureAccueil) -> dict[date, list[GroupeAttendu]]:
    """Jour par jour, les groupes des projets validés ou publiés qui viennent dans la
    structure, avec les élèves affectés à chacun."""
    creneaux = list(
        Creneau.objects.des_projets_valides()
        .filter(structure=structure)
        .select_related("groupe__projet")
        .order_by("date", "groupe__projet__code", "groupe__projet__nom", "groupe__libelle")
    )
    membres: dict[int, list[str]] = defaultdict(list)
    for groupe_id, identifiant in (
        Affectation.objects.filter(groupe__in={c.groupe_id for c in creneaux})
        .order_by("eleve__identifiant")
        .values_list("groupe_id", "eleve__identifiant")
    ):
        membres[groupe_id].append(identifiant)
    jours: dict[date, list[GroupeAttendu]] = defaultdict(list)
    for c in creneaux:
        jours[c.date].append(GroupeAttendu(c.groupe.projet, c.groupe.libelle, membres[c.groupe_id]))
    return dict(jours)


@login_required
@require_GET
def attendus(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_ou_404(request, pk)
    jours = groupes_attendus(structure)
    identifiants = {e for groupes in jours.values() for g in groupes for e in g.eleves}
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
            f"élèves attendus par la structure {structure.nom} (noms)",
            session=structure.session,
            nombre_eleves=len(noms),
        )
    for jour, groupes in jours.items():
        for g in groupes:
            g.lignes = [(e, noms.get(e, ""), presences.get((e, jour), "")) for e in g.eleves]
    return render(
        request,
        "conventions/attendus.html",
        {
            "structure": structure,
            "jours": [(j, gs, sum(len(g.eleves) for g in gs)) for j, gs in jours.items()],
            "noms_visibles": noms_visibles(structure.session),
            "libelles_presence": dict(Presence.Statut.choices),
            "lecture_seule": structure.session.est_archivee,
        },
    )


def _eleve_de_la_structure(structure: StructureAccueil, identifiant: str, jour: date) -> Eleve:
    eleve = Eleve.objects.filter(session=structure.session, identifiant=identifiant).first()
    if (
        eleve is None
        or not Creneau.objects.des_projets_valides()
        .filter(structure=structure, date=jour, groupe__affectations__eleve=eleve)
        .exists()
    ):
        raise Http404("Cet élève n'est pas attendu ici ce jour-là.")
    return eleve


@login_required
@require_POST
def presence_structure(request: HttpRequest, pk: int) -> HttpResponse:
    """La structure note la présence d'un élève attendu chez elle ce jour-là."""
    structure = structure_ou_404(request, pk)
    structure.session.verifier_modifiable()
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
