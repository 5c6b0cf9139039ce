"""Espace des structures d'accueil : leur fiche (trois minutes), « qui vient quel jour »,
le chemin vers la feuille de présence (apps/conventions) et, après la session,
« accueillerez-vous de nouveau ? ». Jamais un projet en brouillon."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.campagnes.models import Session
from apps.comptes.acces import objet_ou_404, structure_requise
from apps.etablissements.models import IdentiteEleve
from apps.journal.services import Action, journaliser
from apps.structures.forms import AccueilSuivantForm, FicheStructureForm
from apps.structures.models import StructureAccueil
from moteur import vigilance as v
from moteur.modele import Point


def _structure_accessible(request: HttpRequest, pk: int) -> StructureAccueil:
    """La fiche si le compte la gère (coordination : toutes), sinon 404."""
    structures = StructureAccueil.objects.gerees_par(request.user).select_related(
        "session", "commune"
    )
    return objet_ou_404(structures, pk)


def _projets_valides() -> QuerySet:
    """Les projets validés ou publiés, par le modèle lié (les structures n'importent pas les
    projets) : une structure ne voit jamais le brouillon d'un porteur."""
    return StructureAccueil._meta.get_field("projets").related_model.objects.valides()


@structure_requise
@require_GET
def mes_structures(request: HttpRequest) -> HttpResponse:
    valides = Q(projets__in=_projets_valides().values("pk"))
    structures = (
        StructureAccueil.objects.gerees_par(request.user)
        .select_related("commune", "session")
        .annotate(nb_projets=Count("projets", filter=valides, distinct=True))
        .order_by("nom", "-session__date_debut")
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
    if request.method == "POST":
        structure.session.verifier_modifiable()
    form = FicheStructureForm(
        request.POST or None, instance=structure, jours_ouvres=structure.session.jours_ouvres
    )
    if request.method == "POST" and form.is_valid():
        form.instance.a_reconfirmer = False
        form.save()
        messages.success(request, "Fiche enregistrée. Merci !")
        return redirect("structures:fiche", pk=structure.pk)
    return _page_fiche(request, structure, form, AccueilSuivantForm(initial=_reponse(structure)))


def _reponse(structure: StructureAccueil) -> dict:
    return {
        "reponse": structure.accueil_suivant or None,
        "remarque": structure.accueil_suivant_remarque,
    }


def _page_fiche(
    request: HttpRequest,
    structure: StructureAccueil,
    form: FicheStructureForm,
    form_suivant: AccueilSuivantForm,
) -> HttpResponse:
    if structure.session.est_archivee:
        for champ in form.fields.values():
            champ.disabled = True
    return render(
        request,
        "structures/fiche.html",
        {
            "structure": structure,
            "form": form,
            "form_suivant": form_suivant,
            "question_suivante": structure.session.est_terminee
            and not structure.session.est_archivee,
            "horaires": _verdict_horaires(structure),
            "projets": structure.projets.valides().select_related("porteur").order_by("nom"),
        },
    )


@structure_requise
@require_POST
def accueil_suivant(request: HttpRequest, pk: int) -> HttpResponse:
    """Après la session, la structure dit si elle accueillera de nouveau ; sa réponse
    pré-remplit la saison suivante (apps/structures/reconduction.py)."""
    structure = _structure_accessible(request, pk)
    structure.session.verifier_modifiable()
    form_suivant = AccueilSuivantForm(request.POST)
    if form_suivant.is_valid():
        structure.repondre_saison_suivante(
            form_suivant.cleaned_data["reponse"], form_suivant.cleaned_data["remarque"]
        )
        messages.success(request, "Réponse enregistrée. Merci !")
        return redirect("structures:fiche", pk=structure.pk)
    form = FicheStructureForm(instance=structure, jours_ouvres=structure.session.jours_ouvres)
    return _page_fiche(request, structure, form, form_suivant)


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
