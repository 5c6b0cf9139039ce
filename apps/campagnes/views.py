"""Vues de la coordination : ouvrir et configurer les sessions de stage, ouvrir la saison
suivante et archiver la précédente."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.campagnes.forms import SessionForm, SessionSuivanteForm
from apps.campagnes.models import Session
from apps.campagnes.saison import SaisonDejaOuverte, ouvrir_saison_suivante, proposition
from apps.comptes.acces import coordination_requise, objet_ou_404


@require_GET
@coordination_requise
def liste(request: HttpRequest) -> HttpResponse:
    sessions = (
        Session.objects.select_related("precedente")
        .annotate(
            nb_projets=Count("projets", distinct=True),
            nb_eleves=Count("eleves", distinct=True),
            nb_suivantes=Count("suivantes", distinct=True),
        )
        .order_by("-date_debut", "-pk")
    )
    return render(request, "campagnes/liste.html", {"sessions": sessions})


@require_http_methods(["GET", "POST"])
@coordination_requise
def ouvrir(request: HttpRequest) -> HttpResponse:
    return _formulaire(request, Session(), "Session ouverte.")


@require_http_methods(["GET", "POST"])
@coordination_requise
def configurer(request: HttpRequest, pk: int) -> HttpResponse:
    session = objet_ou_404(Session.objects.all(), pk)
    if request.method == "POST":
        session.verifier_modifiable()
    return _formulaire(request, session, "Session enregistrée.")


def _formulaire(request: HttpRequest, session: Session, succes: str) -> HttpResponse:
    formulaire = SessionForm(request.POST or None, instance=session)
    if session.est_archivee:
        for champ in formulaire.fields.values():
            champ.disabled = True
    if request.method == "POST" and formulaire.is_valid():
        formulaire.save()
        messages.success(request, succes)
        return redirect("campagnes:liste")
    return render(
        request, "campagnes/formulaire.html", {"formulaire": formulaire, "session": session}
    )


def _reponses_des_structures(session: Session) -> dict[str, int]:
    """Combien de structures ont dit oui, non, ou rien à « accueillerez-vous de nouveau ? »
    (par la relation inverse : les sessions n'importent pas les structures)."""
    comptes = {"oui": 0, "non": 0, "": 0}
    for ligne in session.structures.values("accueil_suivant").annotate(n=Count("pk")):
        comptes[ligne["accueil_suivant"]] = ligne["n"]
    return {"oui": comptes["oui"], "non": comptes["non"], "sans_reponse": comptes[""]}


@require_http_methods(["GET", "POST"])
@coordination_requise
def suivante(request: HttpRequest, pk: int) -> HttpResponse:
    """Ouvrir la saison qui suit `pk` : y copier ses projets en brouillons et ses structures
    (sauf celles qui ont dit non), puis l'archiver si demandé."""
    ancienne = objet_ou_404(Session.objects.all(), pk)
    formulaire = SessionSuivanteForm(request.POST or None, instance=proposition(ancienne))
    formulaire.fields["archiver"].label = f"Archiver « {ancienne.nom} » (lecture seule)"
    if ancienne.est_archivee:
        formulaire.fields["archiver"].disabled = True
        formulaire.fields["archiver"].initial = False
    if request.method == "POST" and formulaire.is_valid():
        try:
            bilan = ouvrir_saison_suivante(
                ancienne, formulaire.session(), formulaire.cleaned_data["archiver"]
            )
        except SaisonDejaOuverte as exc:
            messages.error(request, str(exc))
            return redirect("campagnes:liste")
        messages.success(request, f"Session « {bilan.nouvelle.nom} » ouverte.")
        for phrase in bilan.phrases:
            messages.info(request, phrase)
        if bilan.archivee:
            messages.info(request, f"« {ancienne.nom} » est archivée : lecture seule.")
        return redirect("campagnes:liste")
    return render(
        request,
        "campagnes/suivante.html",
        {
            "ancienne": ancienne,
            "formulaire": formulaire,
            "reponses": _reponses_des_structures(ancienne),
            "nb_projets": ancienne.projets.count(),
            "deja": ancienne.suivantes.first(),
        },
    )


@require_http_methods(["GET", "POST"])
@coordination_requise
def archiver(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmer, puis archiver : la session passe en lecture seule."""
    session = objet_ou_404(Session.objects.all(), pk)
    if request.method == "POST":
        session.archiver()
        messages.success(request, f"« {session.nom} » est archivée : lecture seule.")
        return redirect("campagnes:liste")
    return render(request, "campagnes/archiver.html", {"session": session})
