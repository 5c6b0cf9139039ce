"""Espace des établissements : dépôt des élèves et de leurs vœux, suivi des placements et
emploi du temps de chaque élève. Un compte ne voit que les élèves de SES établissements."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.campagnes.models import Session
from apps.comptes.acces import objet_ou_404, role_requis
from apps.comptes.models import Role
from apps.etablissements.models import Eleve, Etablissement, IdentiteEleve
from apps.planification.depot_eleves import STATUTS_DEPOT, deposer
from apps.planification.forms_etablissements import DepotForm, EleveForm
from apps.planification.models import Voeu
from apps.projets.models import Creneau, Projet
from moteur.erreurs import ErreurUtilisateur

etablissement_requis = role_requis(Role.ETABLISSEMENT)


def _session() -> Session:
    session = Session.objects.active()
    if session is None:
        raise Http404("Aucune session de stage n'est ouverte.")
    return session


def _etablissement_accessible(request: HttpRequest, uai: str) -> Etablissement:
    """L'établissement s'il est géré par le compte ; sinon 404 (on ne révèle rien)."""
    etablissement = (
        Etablissement.objects.geres_par(request.user)
        .select_related("commune")
        .filter(uai=uai)
        .first()
    )
    if etablissement is None:
        raise Http404("Cet établissement n'existe pas ou ne vous est pas accessible.")
    return etablissement


def _resultats_visibles(request: HttpRequest, session: Session) -> bool:
    return request.user.est_coordinateur or session.statut in (
        Session.Statut.PUBLIEE,
        Session.Statut.CLOSE,
    )


@etablissement_requis
def index(request: HttpRequest) -> HttpResponse:
    session = Session.objects.active()
    etablissements = (
        Etablissement.objects.geres_par(request.user)
        .select_related("commune")
        .annotate(nb_eleves=Count("eleves", filter=Q(eleves__session=session)))
        .order_by("nom", "pk")
    )
    if request.user.est_coordinateur:
        etablissements = etablissements.filter(nb_eleves__gt=0)
    return render(
        request,
        "etablissements/index.html",
        {
            "session": session,
            "etablissements": etablissements,
            "depot_ouvert": session is not None and session.statut in STATUTS_DEPOT,
        },
    )


@etablissement_requis
def detail(request: HttpRequest, uai: str) -> HttpResponse:
    session = _session()
    etablissement = _etablissement_accessible(request, uai)
    voeux = (
        Voeu.objects.select_related("projet")
        .only("eleve_id", "rang", "projet__nom", "projet__identifiant")
        .order_by("rang")
    )
    eleves = (
        Eleve.objects.visibles_par(request.user)
        .de_la_session(session)
        .filter(etablissement=etablissement)
        .select_related("affectation__projet", "affectation__groupe", "identite", "commune")
        .prefetch_related(Prefetch("voeux", queryset=voeux))
        .order_by("ordre", "identifiant")
    )
    return render(
        request,
        "etablissements/detail.html",
        {
            "session": session,
            "etablissement": etablissement,
            "eleves": eleves,
            "resultats_visibles": _resultats_visibles(request, session),
            "depot_ouvert": session.statut in STATUTS_DEPOT,
        },
    )


@etablissement_requis
@require_http_methods(["GET", "POST"])
def depot(request: HttpRequest) -> HttpResponse:
    session = _session()
    formulaire = DepotForm(request.POST or None, request.FILES or None)
    problemes = []
    if request.method == "POST" and formulaire.is_valid():
        try:
            resultat = deposer(
                session,
                request.user,
                formulaire.cleaned_data["eleves"],
                formulaire.cleaned_data["identites"],
            )
        except ErreurUtilisateur as exc:
            problemes = exc.problemes
        else:
            messages.success(request, "Dépôt enregistré : " + resultat.resume())
            return redirect("etablissements:index")
    statut = 400 if problemes else 200
    return render(
        request,
        "etablissements/depot.html",
        {
            "session": session,
            "formulaire": formulaire,
            "problemes": problemes,
            "depot_ouvert": session.statut in STATUTS_DEPOT,
        },
        status=statut,
    )


@etablissement_requis
@require_http_methods(["GET", "POST"])
def nouvel_eleve(request: HttpRequest, uai: str) -> HttpResponse:
    session = _session()
    etablissement = _etablissement_accessible(request, uai)
    if session.statut not in STATUTS_DEPOT:
        messages.error(request, "La saisie des vœux est close pour cette session.")
        return redirect("etablissements:detail", uai=etablissement.uai)
    projets = Projet.objects.de_la_session(session).valides().order_by("nom")
    formulaire = EleveForm(
        request.POST or None, projets=projets, session=session, etablissement=etablissement
    )
    if request.method == "POST" and formulaire.is_valid():
        _creer_eleve(session, etablissement, formulaire)
        messages.success(request, "Élève ajouté avec ses vœux.")
        return redirect("etablissements:detail", uai=etablissement.uai)
    return render(
        request,
        "etablissements/eleve_form.html",
        {
            "session": session,
            "etablissement": etablissement,
            "formulaire": formulaire,
        },
    )


@transaction.atomic
def _creer_eleve(session: Session, etablissement: Etablissement, formulaire: EleveForm) -> None:
    d = formulaire.cleaned_data
    commune = d["commune"]
    ordre = (Eleve.objects.de_la_session(session).aggregate(m=Max("ordre"))["m"] or 0) + 1
    meme_commune = commune.pk == etablissement.commune_id
    eleve = Eleve.objects.create(
        session=session,
        identifiant=d["identifiant"],
        etablissement=etablissement,
        date_naissance=d["date_naissance"],
        genre=d["genre"],
        commune=commune,
        latitude=etablissement.latitude if meme_commune else commune.latitude,
        longitude=etablissement.longitude if meme_commune else commune.longitude,
        domaines="|".join(d["domaines"]),
        boursier=d["boursier"],
        ordre=ordre,
    )
    Voeu.objects.bulk_create(
        [Voeu(eleve=eleve, projet=p, rang=r) for r, p in enumerate(formulaire.voeux(), start=1)]
    )
    IdentiteEleve.objects.create(eleve=eleve, nom=d["nom"], prenom=d["prenom"], classe=d["classe"])


@etablissement_requis
def emploi_du_temps(request: HttpRequest, uai: str, pk: int) -> HttpResponse:
    session = _session()
    etablissement = _etablissement_accessible(request, uai)
    eleve = objet_ou_404(
        Eleve.objects.visibles_par(request.user)
        .filter(etablissement=etablissement)
        .select_related("affectation__projet__commune", "affectation__groupe", "identite"),
        pk,
    )
    affectation = getattr(eleve, "affectation", None)
    visibles = _resultats_visibles(request, session) and affectation is not None
    creneaux = []
    if visibles and affectation.groupe_id:
        creneaux = list(
            Creneau.objects.filter(groupe_id=affectation.groupe_id)
            .select_related("structure", "structure__commune")
            .order_by("date")
        )
    return render(
        request,
        "etablissements/emploi_du_temps.html",
        {
            "session": session,
            "etablissement": etablissement,
            "eleve": eleve,
            "affectation": affectation if visibles else None,
            "creneaux": creneaux,
            "identite": getattr(eleve, "identite", None),
        },
    )
