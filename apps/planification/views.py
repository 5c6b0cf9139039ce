"""Vues de la coordination : lancer l'affectation et les programmes en tâches de fond,
suivre leur progression (htmx), revoir puis publier les résultats.

Quand des résultats sont publiés, relancer un calcul demande une confirmation explicite
(page qui dit ce qui va se passer) ; les nouveaux résultats sont gardés à part et montrés
pour revue, et ne remplacent les publiés qu'à la publication (voir `taches`)."""

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
from moteur.erreurs import ErreurUtilisateur

CONFIRMATION = "oui"


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
    Travail.objects.filter(session=session).abandonner_silencieux()
    return render(
        request,
        "planification/travaux.html",
        {
            "session": session,
            "formulaire": LancementForm(),
            "travaux": Travail.objects.filter(session=session).order_by("-cree_le", "-pk")[:10],
            "resume": _resume(session),
            "eleves": session.eleves.count(),
            "en_attente": Travail.objects.plan_en_attente(session.pk),
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
    d = formulaire.cleaned_data
    parametres = {"graine": d["graine"] or 0}
    if d["type"] == Travail.Type.AFFECTATION:
        parametres["politique"] = d["politique"] or "stable"
    if taches.resultats_publies(session) and request.POST.get("confirmer") != CONFIRMATION:
        return render(
            request,
            "planification/confirmer.html",
            {
                "session": session,
                "type": Travail.Type(d["type"]),
                "parametres": parametres,
                "enjeux": taches.enjeux(session),
            },
        )
    try:
        travail = taches.lancer(session, d["type"], parametres)
    except taches.DejaEnCours as exc:
        messages.error(request, str(exc))
        return redirect("planification:travaux")
    return redirect("planification:travail", pk=travail.pk)


@require_GET
@coordination_requise
def travail(request: HttpRequest, pk: int) -> HttpResponse:
    travail = objet_ou_404(Travail.objects.select_related("session"), pk)
    travail.abandonner()  # sans effet s'il a donné signe de vie dans le délai
    contexte = {"travail": travail, "en_cours": travail.actif}
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
            "publie": taches.resultats_publies(session),
            "apercu": _apercu(session),
        },
    )


def _apercu(session: Session) -> dict | None:
    """Le plan en attente de publication, prêt pour la page de revue."""
    apercu = taches.apercu(session)
    if apercu is None:
        return None
    affectations = apercu.plan.affectations.values()
    places: dict[str, int] = {}
    for a in affectations:
        if a.projet_id:
            places[a.projet_id] = places.get(a.projet_id, 0) + 1
    groupes: dict[str, set[str]] = {}
    for ligne in apercu.plan.planning:
        groupes.setdefault(ligne.projet_id, set()).add(ligne.groupe)
    non_places = [a.eleve_id for a in affectations if not a.projet_id]
    ecoles = dict(session.eleves.values_list("identifiant", "etablissement__nom"))
    return {
        "travail": apercu.travail,
        "total": len(apercu.plan.affectations),
        "places": apercu.places,
        "changes": apercu.changes,
        "conventions_touchees": apercu.conventions_touchees,
        "signees_touchees": apercu.signees_touchees,
        "projets": [
            (p, places.get(p.identifiant, 0), len(groupes.get(p.identifiant, ())))
            for p in Projet.objects.de_la_session(session).valides().order_by("nom", "pk")
        ],
        "non_places": [(e, ecoles.get(e, ""), apercu.raisons.get(e, "")) for e in non_places],
    }


@require_POST
@coordination_requise
def publier(request: HttpRequest) -> HttpResponse:
    session = _session()
    remplacement = taches.apercu(session) is not None
    if remplacement and request.POST.get("confirmer") != CONFIRMATION:
        messages.error(
            request,
            "Cochez la confirmation pour remplacer les résultats publiés par les nouveaux.",
        )
        return redirect("planification:resultats")
    try:
        publication = taches.publier(session)
    except (taches.DejaEnCours, ErreurUtilisateur) as exc:
        messages.error(request, str(exc))
        return redirect("planification:resultats")
    if not publication.nombre:
        messages.error(request, "Rien à publier : lancez d'abord l'affectation.")
        return redirect("planification:resultats")
    if publication.remplacement:
        messages.success(
            request,
            f"Nouveaux résultats publiés pour {publication.nombre} élève(s) : ils remplacent "
            "les précédents. Synchronisez maintenant les conventions : celles dont le contenu "
            "change devront être signées à nouveau.",
        )
    else:
        messages.success(
            request,
            f"Résultats publiés pour {publication.nombre} élève(s) : les établissements les "
            "voient désormais.",
        )
    return redirect("planification:resultats")
