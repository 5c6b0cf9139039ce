"""Pages RGPD : la notice publique « Données personnelles », l'export et la suppression des
données d'un élève par son établissement, le journal des accès lu par la coordination."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.comptes.acces import coordination_requise, objet_ou_404, role_requis
from apps.comptes.models import Role
from apps.donnees_personnelles import eleves as droits
from apps.donnees_personnelles import reglages
from apps.donnees_personnelles.forms import FiltreJournalForm
from apps.etablissements.models import Eleve, Etablissement
from apps.journal.models import EntreeJournal
from apps.journal.services import Action, journaliser

etablissement_requis = role_requis(Role.ETABLISSEMENT)
ENTREES_PAR_PAGE = 50


def notice(request: HttpRequest) -> HttpResponse:
    """La notice d'information (articles 13 et 14 du RGPD), publique."""
    return render(
        request,
        "donnees_personnelles/notice.html",
        {
            "responsable": reglages.responsable(),
            "adresse_responsable": reglages.adresse_responsable(),
            "contact": reglages.contact(),
            "contact_dpo": reglages.contact_dpo(),
            "hebergeur": reglages.hebergeur(),
            "base_legale": reglages.base_legale(),
            "retention_mois": reglages.retention_mois(),
        },
    )


def _eleve_accessible(request: HttpRequest, uai: str, pk: int) -> Eleve:
    """L'élève s'il appartient à un établissement géré par le compte ; sinon 404."""
    etablissement = Etablissement.objects.geres_par(request.user).filter(uai=uai).first()
    if etablissement is None:
        raise Http404("Cet établissement n'existe pas ou ne vous est pas accessible.")
    return objet_ou_404(
        Eleve.objects.visibles_par(request.user)
        .filter(etablissement=etablissement)
        .select_related("session", "etablissement", "commune"),
        pk,
    )


def _nom_de_fichier(eleve: Eleve, extension: str) -> str:
    # L'identifiant vient d'un fichier déposé : seuls lettres, chiffres, - et _ passent.
    sur = "".join(
        c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in eleve.identifiant
    )
    return f"donnees-eleve-{sur[:60]}.{extension}"


@etablissement_requis
def exporter(request: HttpRequest, uai: str, pk: int, format: str) -> HttpResponse:
    eleve = _eleve_accessible(request, uai, pk)
    donnees = droits.exporter(eleve)
    if format == "csv":
        reponse = HttpResponse(droits.en_csv(donnees), content_type="text/csv; charset=utf-8")
    else:
        reponse = HttpResponse(
            droits.en_json(donnees), content_type="application/json; charset=utf-8"
        )
    reponse["Content-Disposition"] = f'attachment; filename="{_nom_de_fichier(eleve, format)}"'
    journaliser(
        request.user,
        Action.EXPORT,
        f"données de l'élève {eleve.identifiant} ({format.upper()})",
        session=eleve.session,
    )
    return reponse


@etablissement_requis
@require_http_methods(["GET", "POST"])
def supprimer(request: HttpRequest, uai: str, pk: int) -> HttpResponse:
    eleve = _eleve_accessible(request, uai, pk)
    if request.method == "POST":
        if request.POST.get("confirmation") != eleve.identifiant:
            messages.error(
                request,
                f"Confirmation incorrecte : tapez l'identifiant « {eleve.identifiant} » "
                "pour supprimer.",
            )
        else:
            bilan = droits.supprimer(eleve)
            journaliser(
                request.user,
                Action.SUPPRESSION,
                f"données de l'élève {eleve.identifiant} (identité, vœux, place"
                + (", convention annulée)" if bilan.convention_annulee else ")"),
                session=eleve.session,
            )
            messages.success(
                request,
                f"Données de l'élève {eleve.identifiant} supprimées : identité, "
                f"{bilan.voeux} vœu{'x' if bilan.voeux > 1 else ''}"
                + (", place libérée" if bilan.affectation else "")
                + (", convention annulée" if bilan.convention_annulee else "")
                + ".",
            )
            return redirect("etablissements:detail", uai=eleve.etablissement.uai)
    return render(
        request,
        "donnees_personnelles/supprimer.html",
        {"eleve": eleve, "etablissement": eleve.etablissement, "apercu": droits.exporter(eleve)},
        status=400 if request.method == "POST" else 200,
    )


@coordination_requise
def journal(request: HttpRequest) -> HttpResponse:
    filtres = FiltreJournalForm(request.GET or None)
    entrees = filtres.filtrer(EntreeJournal.objects.select_related("session"))
    page = Paginator(entrees, ENTREES_PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "donnees_personnelles/journal.html",
        {"filtres": filtres, "page": page, "parametres": parametres.urlencode()},
    )
