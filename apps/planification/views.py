"""Vues de la coordination : lancer l'affectation et les programmes en tâches de fond,
suivre leur progression (htmx), revoir puis publier les résultats."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.campagnes.models import Session
from apps.comptes.acces import coordination_requise, objet_ou_404
from apps.planification import taches
from apps.planification.models import Affectation, Travail
from apps.projets.models import Projet

EN_COURS = (Travail.Etat.EN_ATTENTE, Travail.Etat.EN_COURS)


class LancementForm(forms.Form):
    type = forms.ChoiceField(
        label="Travail",
        choices=[
            (Travail.Type.AFFECTATION, "Affectation des élèves"),
            (Travail.Type.PROGRAMMES, "Programmes (rotations)"),
        ],
    )
    politique = forms.ChoiceField(
        label="Politique d'affectation",
        required=False,
        initial="stable",
        choices=[
            ("stable", "Stable (acceptation différée, sans envie justifiée)"),
            ("optimal", "Optimale (le plus d'élèves placés, flot de coût minimum)"),
        ],
    )
    graine = forms.IntegerField(
        label="Graine du tirage au sort", initial=0, min_value=0, required=False
    )


def _session() -> Session:
    session = Session.objects.active()
    if session is None:
        raise Http404("Aucune session de stage n'est ouverte.")
    return session


def _resume(session: Session) -> dict:
    return Affectation.objects.filter(eleve__session=session).aggregate(
        total=Count("pk"),
        places=Count("pk", filter=Q(projet__isnull=False)),
        publiees=Count("pk", filter=Q(publiee=True)),
        avec_groupe=Count("pk", filter=Q(groupe__isnull=False)),
    )


@require_GET
@coordination_requise
def travaux(request: HttpRequest) -> HttpResponse:
    session = _session()
    return render(
        request,
        "planification/travaux.html",
        {
            "session": session,
            "formulaire": LancementForm(),
            "travaux": Travail.objects.filter(session=session).order_by("-cree_le", "-pk")[:10],
            "resume": _resume(session),
            "eleves": session.eleves.count(),
        },
    )


@require_POST
@coordination_requise
def lancer(request: HttpRequest) -> HttpResponse:
    session = _session()
    formulaire = LancementForm(request.POST)
    if not formulaire.is_valid():
        messages.error(request, "Choix de lancement invalide.")
        return redirect("planification:travaux")
    if Travail.objects.filter(session=session, etat__in=EN_COURS).exists():
        messages.error(request, "Un travail est déjà en cours : attendez qu'il se termine.")
        return redirect("planification:travaux")
    d = formulaire.cleaned_data
    parametres = {"graine": d["graine"] or 0}
    if d["type"] == Travail.Type.AFFECTATION:
        parametres["politique"] = d["politique"] or "stable"
    travail = taches.lancer(session, d["type"], parametres)
    return redirect("planification:travail", pk=travail.pk)


@require_GET
@coordination_requise
def travail(request: HttpRequest, pk: int) -> HttpResponse:
    travail = objet_ou_404(Travail.objects.select_related("session"), pk)
    contexte = {"travail": travail, "en_cours": travail.etat in EN_COURS}
    if request.htmx:
        return render(request, "planification/_progression.html", contexte)
    return render(request, "planification/travail.html", contexte)


@require_GET
@coordination_requise
def resultats(request: HttpRequest) -> HttpResponse:
    session = _session()
    projets = (
        Projet.objects.de_la_session(session)
        .valides()
        .annotate(
            places_pourvues=Count("affectations", distinct=True),
            groupes_nb=Count("groupes", distinct=True),
        )
        .select_related("commune")
        .order_by("nom", "pk")
    )
    non_places = (
        Affectation.objects.filter(eleve__session=session, projet__isnull=True)
        .select_related("eleve__etablissement")
        .order_by("eleve__ordre", "pk")
    )
    return render(
        request,
        "planification/resultats.html",
        {
            "session": session,
            "projets": projets,
            "non_places": non_places,
            "resume": _resume(session),
        },
    )


@require_POST
@coordination_requise
def publier(request: HttpRequest) -> HttpResponse:
    session = _session()
    nombre = Affectation.objects.filter(eleve__session=session).update(publiee=True)
    if not nombre:
        messages.error(request, "Rien à publier : lancez d'abord l'affectation.")
        return redirect("planification:resultats")
    session.statut = Session.Statut.PUBLIEE
    session.save(update_fields=["statut"])
    messages.success(
        request,
        f"Résultats publiés pour {nombre} élève(s) : les établissements les voient désormais.",
    )
    return redirect("planification:resultats")
