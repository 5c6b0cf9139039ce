"""Espace des structures d'accueil : leur fiche (trois minutes) et « qui vient quel jour »."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from apps.campagnes.models import Session
from apps.comptes.acces import objet_ou_404, structure_requise
from apps.etablissements.models import IdentiteEleve
from apps.journal.services import Action, journaliser
from apps.structures.forms import FicheStructureForm
from apps.structures.models import StructureAccueil
from moteur import vigilance as v
from moteur.modele import Point


def _structure_accessible(request: HttpRequest, pk: int) -> StructureAccueil:
    """La fiche si le compte la gère (coordination : toutes), sinon 404."""
    structures = StructureAccueil.objects.gerees_par(request.user).select_related(
        "session", "commune"
    )
    return objet_ou_404(structures, pk)


@structure_requise
@require_GET
def mes_structures(request: HttpRequest) -> HttpResponse:
    structures = (
        StructureAccueil.objects.gerees_par(request.user)
        .select_related("commune", "session")
        .annotate(nb_projets=Count("projets", distinct=True))
        .order_by("nom")
    )
    if not request.user.est_coordinateur and len(structures) == 1:
        return redirect("structures:fiche", pk=structures[0].pk)
    return render(request, "structures/liste.html", {"structures": structures})


def _verdict_horaires(structure: StructureAccueil) -> v.Verdict:
    site = v.SiteVigilance(
        id=str(structure.pk),
        nom=structure.nom,
        point=Point(0, 0),
        accueil_max=structure.accueil_max,
        heure_debut=structure.heure_debut,
        heure_fin=structure.heure_fin,
        pause_minutes=structure.pause_minutes,
    )
    return v.horaires_site(site, v.AGE_SECONDE_PAR_DEFAUT)


@structure_requise
def fiche(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _structure_accessible(request, pk)
    form = FicheStructureForm(
        request.POST or None, instance=structure, jours_ouvres=structure.session.jours_ouvres
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Fiche enregistrée. Merci !")
        return redirect("structures:fiche", pk=structure.pk)
    return render(
        request,
        "structures/fiche.html",
        {
            "structure": structure,
            "form": form,
            "horaires": _verdict_horaires(structure),
            "projets": structure.projets.select_related("porteur").order_by("nom"),
        },
    )


# Après la publication des résultats (et une fois la session close), la structure lit les
# noms des élèves qui viennent chez elle ; avant, seulement les groupes et les effectifs.
STATUTS_NOMS_VISIBLES = (Session.Statut.PUBLIEE, Session.Statut.CLOSE)


def noms_visibles(session: Session) -> bool:
    return session.statut in STATUTS_NOMS_VISIBLES


def _creneaux_publics(structure: StructureAccueil) -> QuerySet:
    """Les créneaux de la structure, dans les seuls projets validés ou publiés : une
    structure ne voit jamais le programme en brouillon d'un porteur."""
    # Les créneaux par la relation inverse : la planification dépend des structures,
    # pas l'inverse.
    return (
        structure.creneaux.des_projets_valides()
        .select_related("groupe__projet")
        .annotate(effectif=Count("groupe__affectations"))
        .order_by("date", "groupe__projet__nom", "groupe__libelle")
    )


def _noms_par_groupe(groupes: set[int]) -> dict[int, list[str]]:
    """« Prénom Nom » des élèves placés (résultats publiés) dans chacun de ces groupes."""
    noms: dict[int, list[str]] = defaultdict(list)
    lignes = (
        IdentiteEleve.objects.filter(
            eleve__affectation__groupe__in=groupes, eleve__affectation__publiee=True
        )
        .order_by("nom", "prenom", "pk")
        .values_list("eleve__affectation__groupe", "prenom", "nom")
    )
    for groupe, prenom, nom in lignes:
        noms[groupe].append(f"{prenom} {nom}")
    return noms


@structure_requise
@require_GET
def qui_vient(request: HttpRequest, pk: int) -> HttpResponse:
    """Jour par jour : quels groupes (de quel projet) et combien d'élèves ; leurs noms
    seulement après la publication des résultats."""
    structure = _structure_accessible(request, pk)
    creneaux = list(_creneaux_publics(structure))
    visibles = noms_visibles(structure.session)
    noms = _noms_par_groupe({c.groupe_id for c in creneaux}) if visibles else {}
    par_jour: dict = defaultdict(list)
    for creneau in creneaux:
        creneau.noms = noms.get(creneau.groupe_id, [])
        par_jour[creneau.date].append(creneau)
    if noms:
        journaliser(
            request.user,
            Action.CONSULTATION,
            f"qui vient quel jour, structure {structure.identifiant} (noms des élèves)",
            session=structure.session,
            nombre_eleves=sum(len(n) for n in noms.values()),
        )
    jours = [
        (jour, par_jour.get(jour, []), sum(c.effectif for c in par_jour.get(jour, [])))
        for jour in structure.session.jours_ouvres
    ]
    return render(
        request,
        "structures/qui_vient.html",
        {"structure": structure, "jours": jours, "noms_visibles": visibles},
    )
