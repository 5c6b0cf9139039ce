"""La coordination téléverse le flux GTFS d'une session et voit ce qu'il couvre."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.campagnes.acces import session_active_ou_404
from apps.campagnes.models import Session
from apps.comptes.acces import coordination_requise
from apps.mobilite.forms import ReglagesForm, TeleversementForm
from apps.mobilite.models import FluxTransport
from apps.mobilite.services import changer_reglages, enregistrer_flux, taille_max
from moteur.erreurs import ErreurUtilisateur
from moteur.transport.couverture import couverture

journal = logging.getLogger(__name__)


@require_GET
@coordination_requise
def index(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    return redirect("mobilite:flux", pk=session.pk)


def _page(
    request: HttpRequest,
    session: Session,
    televersement: TeleversementForm | None = None,
    reglages: ReglagesForm | None = None,
    erreur: str = "",
    statut: int = 200,
) -> HttpResponse:
    flux = FluxTransport.objects.filter(session=session).first()
    jours: list[tuple[date, int]] = []
    if flux is not None:
        reglages = reglages or ReglagesForm(
            flux=flux,
            initial={
                "jour_calcul": flux.jour_calcul.isoformat() if flux.jour_calcul else "",
                "arrivee": flux.arrivee,
                "duree_max_min": flux.duree_max_min,
            },
        )
        try:
            cov = couverture(flux.chemin)
            jours = [(j, cov.services_le(j)) for j in session.jours_ouvres]
        except ErreurUtilisateur:  # fichier disparu du disque : on le dit, sans plus
            erreur = erreur or "Le fichier du flux est introuvable sur le serveur : téléversez-le."
    contexte = {
        "session": session,
        "flux": flux,
        "jours": jours,
        "televersement": televersement or TeleversementForm(),
        "reglages": reglages,
        "erreur": erreur,
        "taille_max_mo": taille_max() // (1024 * 1024),
    }
    return render(request, "mobilite/flux.html", contexte, status=statut)


@require_GET
@coordination_requise
def flux(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_object_or_404(Session, pk=pk))


@require_POST
@coordination_requise
def televerser(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    session.verifier_modifiable()
    if int(request.META.get("CONTENT_LENGTH") or 0) > taille_max() + 1024 * 1024:
        erreur = f"Fichier trop gros : au plus {taille_max() // (1024 * 1024)} Mo."
        return _page(request, session, erreur=erreur, statut=413)
    formulaire = TeleversementForm(request.POST, request.FILES)
    if not formulaire.is_valid():
        return _page(request, session, televersement=formulaire, statut=400)
    fichier = formulaire.cleaned_data["fichier"]
    try:
        enregistrer_flux(session, fichier, request.user)
    except ErreurUtilisateur as exc:
        erreur = f"Flux refusé, rien n'a été enregistré : {exc}"
        return _page(request, session, televersement=formulaire, erreur=erreur, statut=400)
    messages.success(request, f"Flux « {fichier.name} » validé et enregistré.")
    return redirect("mobilite:flux", pk=session.pk)


@require_POST
@coordination_requise
def reglages(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    session.verifier_modifiable()
    flux_session = get_object_or_404(FluxTransport, session=session)
    formulaire = ReglagesForm(request.POST, flux=flux_session)
    if not formulaire.is_valid():
        return _page(request, session, reglages=formulaire, statut=400)
    donnees = formulaire.cleaned_data
    jour = date.fromisoformat(donnees["jour_calcul"]) if donnees["jour_calcul"] else None
    try:
        changer_reglages(flux_session, jour, donnees["duree_max_min"], donnees["arrivee"])
    except ErreurUtilisateur as exc:
        formulaire.add_error("jour_calcul", str(exc))
        return _page(request, session, reglages=formulaire, statut=400)
    messages.success(request, "Réglages des calculs de trajet enregistrés.")
    return redirect("mobilite:flux", pk=session.pk)
