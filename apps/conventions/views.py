"""Pages des conventions : tableau de suivi, documents, signature par lien, emplois du
temps imprimables, suivi (présences, incidents, restitution)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.conventions import rendu, services, signatures, suivi
from apps.conventions.acces import (
    EntreeInvalide,
    chemin_de_retour,
    convention_ou_404,
    date_du_formulaire,
    etablissement_du_lot_ou_404,
    groupe_ou_404,
    session_active,
    signataires_requis,
)
from apps.conventions.fichiers import nom_avec_extension, reponse_fichier
from apps.conventions.models import Convention, Incident, Presence
from apps.journal.services import Action, journaliser
from apps.planification.rapports import nombre_fr
from apps.projets.models import Creneau
from moteur.documents import feuille_de_route

# --- Outils ---------------------------------------------------------------------------------


def _refus(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _journal(request: HttpRequest, action: str, convention: Convention, detail: str) -> None:
    journaliser(
        request.user,
        action,
        f"convention de l'élève {convention.eleve.identifiant} {detail}",
        session=convention.eleve.session,
    )


# --- Tableau et détail ---------------------------------------------------------------------


PAR_PAGE = 50


def _filtrees(request: HttpRequest, conventions):
    """Les conventions selon les filtres du tableau (établissement, projet, statut)."""
    filtres = {
        "etablissement": request.GET.get("etablissement", ""),
        "projet": request.GET.get("projet", ""),
        "statut": request.GET.get("statut", ""),
    }
    if filtres["etablissement"]:
        conventions = conventions.filter(eleve__etablissement__uai=filtres["etablissement"])
    if filtres["projet"]:
        conventions = conventions.filter(projet__code=filtres["projet"])
    if filtres["statut"] in Convention.Statut.values:
        conventions = conventions.filter(statut=filtres["statut"])
    return conventions, filtres


@signataires_requis
@require_GET
def tableau(request: HttpRequest) -> HttpResponse:
    """Avancement par établissement et par projet, puis la liste filtrée et paginée."""
    session = session_active()
    toutes = Convention.objects.visibles_par(request.user).de_la_session(session)
    conventions, filtres = _filtrees(request, toutes)
    page = Paginator(
        conventions.select_related("eleve__etablissement", "projet").order_by(
            "eleve__etablissement__nom", "eleve__identifiant"
        ),
        PAR_PAGE,
    ).get_page(request.GET.get("page"))
    attente = suivi.attentes(Convention.objects.filter(pk__in=[c.pk for c in page]))
    par_etablissement = suivi.avancement(toutes, "etablissement")
    par_projet = suivi.avancement(toutes, "projet")
    requete = request.GET.copy()
    requete.pop("page", None)
    return render(
        request,
        "conventions/tableau.html",
        {
            "session": session,
            "page": page,
            "lignes": [(c, attente.get(c.pk, [])) for c in page],
            "par_etablissement": par_etablissement,
            "par_projet": par_projet,
            "filtres": filtres,
            "statuts": Convention.Statut.choices,
            "requete": requete.urlencode(),
            "peut_synchroniser": request.user.est_coordinateur,
            "a_signer": signatures.a_signer_par(request.user).count(),
        },
    )


@login_required
@require_POST
def synchroniser(request: HttpRequest) -> HttpResponse:
    if not request.user.est_coordinateur:
        raise PermissionDenied
    session = session_active()
    session.verifier_modifiable()
    manques = suivi.courriels_manquants(session)
    bilan = services.synchroniser(session, sauf_sans_courriel=True)
    messages.success(
        request,
        (
            f"Conventions à jour : {nombre_fr(bilan.creees)} créée(s), "
            f"{nombre_fr(bilan.nouvelles_versions)} nouvelle(s) version(s) à signer, "
            f"{nombre_fr(bilan.inchangees)} inchangée(s), {nombre_fr(bilan.annulees)} annulée(s)."
        ),
    )
    if manques:
        messages.warning(
            request,
            f"{nombre_fr(bilan.en_attente)} convention(s) non générée(s) : il manque des "
            "courriels de signataires ; elles le seront à la prochaine mise à jour, une fois "
            "les courriels complétés. " + " ".join(manques),
        )
    return redirect("conventions:tableau")


@signataires_requis
@require_POST
def relancer(request: HttpRequest) -> HttpResponse:
    conventions = Convention.objects.visibles_par(request.user)
    if request.POST.get("convention"):
        une = convention_ou_404(request, request.POST["convention"])
        session = une.eleve.session
        conventions = conventions.filter(pk=une.pk)
    else:
        session = session_active()
        conventions = conventions.de_la_session(session)
    session.verifier_modifiable()
    if request.POST.get("etablissement"):
        conventions = conventions.filter(eleve__etablissement__uai=request.POST["etablissement"])
    bilan = signatures.envoyer_liens(conventions, request.build_absolute_uri("/")[:-1])
    messages.success(request, bilan.message)
    retour = chemin_de_retour(request, request.POST.get("retour"), reverse("conventions:tableau"))
    return redirect(retour)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_ou_404(request, pk)
    versions = list(convention.versions.order_by("-numero").prefetch_related("signatures"))
    jours = [
        c.date
        for c in Creneau.objects.filter(groupe__affectations__eleve=convention.eleve).order_by(
            "date"
        )
    ]
    presences = {
        p.date: p for p in Presence.objects.filter(eleve=convention.eleve).order_by("date")
    }
    _journal(request, Action.CONSULTATION, convention, "(fiche, signatures et suivi)")
    courante = versions[0] if versions else None
    papier = [
        s
        for s in (courante.signatures.all() if courante else [])
        if not s.est_signee and signatures.peut_noter_hors_plateforme(request.user, s)
    ]
    return render(
        request,
        "conventions/detail.html",
        {
            "convention": convention,
            "versions": versions,
            "suivi": [(j, presences.get(j)) for j in jours],
            "incidents": convention.eleve.incidents.order_by("-date", "-cree_le"),
            "statuts_presence": Presence.Statut.choices,
            "hors_plateforme": papier if convention.statut != Convention.Statut.ANNULEE else [],
            "lecture_seule": convention.eleve.session.est_archivee,
        },
    )


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_ou_404(request, pk)
    version = convention.version_courante()
    if version is None:
        raise Http404
    try:
        contenu = services.pdf_signe(version)
    except services.VersionPerimee:
        messages.warning(request, "Le plan a changé : synchronisez les conventions.")
        return redirect("conventions:detail", pk=pk)
    _journal(request, Action.EXPORT, convention, f"(PDF, version {version.numero})")
    return reponse_fichier(
        contenu,
        nom_avec_extension(f"convention-{convention.eleve.identifiant}-v{version.numero}", "pdf"),
        "application/pdf",
    )


@login_required
@require_GET
def calendrier(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_ou_404(request, pk)
    contenu = services.ics_eleve(convention.eleve)
    if contenu is None:
        raise Http404
    _journal(request, Action.EXPORT, convention, "(emploi du temps iCalendar)")
    return reponse_fichier(
        contenu, nom_avec_extension(convention.eleve.identifiant, "ics"), "text/calendar"
    )


@login_required
@require_GET
def attestation(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_ou_404(request, pk)
    contenu = services.attestation(convention)
    if contenu is None:
        raise Http404
    _journal(request, Action.EXPORT, convention, "(attestation PDF)")
    return reponse_fichier(
        contenu,
        nom_avec_extension(f"attestation-{convention.eleve.identifiant}", "pdf"),
        "application/pdf",
    )


@login_required
@require_GET
def lot_etablissement(request: HttpRequest, uai: str) -> HttpResponse:
    session = session_active()
    etablissement = etablissement_du_lot_ou_404(request, uai, session)
    fichiers = []
    for convention in (
        Convention.objects.visibles_par(request.user)
        .de_la_session(session)
        .filter(eleve__etablissement=etablissement)
        .exclude(statut=Convention.Statut.ANNULEE)
        .select_related("eleve")
        .order_by("eleve__identifiant")
    ):
        version = convention.version_courante()
        try:
            contenu = services.pdf_signe(version)
        except services.VersionPerimee:
            continue
        fichiers.append((nom_avec_extension(convention.eleve.identifiant, "pdf"), contenu))
    journaliser(
        request.user,
        Action.EXPORT,
        f"conventions de l'établissement {etablissement.uai} (ZIP)",
        session=session,
        nombre_eleves=len(fichiers),
    )
    return reponse_fichier(
        rendu.archive_zip(fichiers),
        nom_avec_extension(f"conventions-{etablissement.uai}", "zip"),
        "application/zip",
    )


# --- Suivi ---------------------------------------------------------------------------------


@login_required
@require_POST
def presence(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_ou_404(request, pk)
    convention.eleve.session.verifier_modifiable()
    try:
        jour = date_du_formulaire(request.POST.get("date"))
    except EntreeInvalide as exc:
        return _refus(str(exc))
    creneau = (
        Creneau.objects.filter(groupe__affectations__eleve=convention.eleve, date=jour)
        .select_related("structure")
        .first()
    )
    statut = request.POST.get("statut", "")
    if creneau is None or statut not in Presence.Statut.values:
        return HttpResponse("Jour ou statut invalide.", status=400)
    objet, _ = Presence.objects.update_or_create(
        eleve=convention.eleve,
        date=jour,
        defaults={"structure": creneau.structure, "statut": statut, "saisie_par": request.user},
    )
    _journal(request, Action.MODIFICATION, convention, f"(présence du {jour:%d/%m})")
    if request.htmx:
        return render(
            request,
            "conventions/_presence.html",
            {
                "convention": convention,
                "jour": jour,
                "presence": objet,
                "statuts_presence": Presence.Statut.choices,
                "lecture_seule": False,
            },
        )
    return redirect("conventions:detail", pk=pk)


@login_required
@require_POST
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_ou_404(request, pk)
    convention.eleve.session.verifier_modifiable()
    note = request.POST.get("note", "").strip()
    if not note:
        messages.error(request, "Décrivez l'incident.")
        return redirect("conventions:detail", pk=pk)
    try:
        jour = date_du_formulaire(request.POST.get("date") or date.today().isoformat())
    except EntreeInvalide as exc:
        messages.error(request, str(exc))
        return redirect("conventions:detail", pk=pk)
    creneau = Creneau.objects.filter(
        groupe__affectations__eleve=convention.eleve, date=jour
    ).first()
    Incident.objects.create(
        eleve=convention.eleve,
        date=jour,
        note=note,
        structure=creneau.structure if creneau else None,
        cree_par=request.user,
    )
    _journal(request, Action.MODIFICATION, convention, "(incident noté)")
    messages.success(request, "Incident noté.")
    return redirect("conventions:detail", pk=pk)


@login_required
@require_POST
def restitution(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_ou_404(request, pk)
    convention.eleve.session.verifier_modifiable()
    convention.restitution_faite = request.POST.get("faite") == "1"
    convention.restitution_le = date.today() if convention.restitution_faite else None
    convention.save(update_fields=["restitution_faite", "restitution_le", "modifie_le"])
    _journal(request, Action.MODIFICATION, convention, "(restitution)")
    return redirect("conventions:detail", pk=pk)


# --- Emplois du temps imprimables ---------------------------------------------------------------


@login_required
@require_GET
def feuille_route(request: HttpRequest, pk: int) -> HttpResponse:
    groupe = groupe_ou_404(request, pk)
    ctx = services.contexte(groupe.projet.session)
    if groupe.projet.identifiant not in ctx.donnees.projets:
        raise Http404
    options = ctx.options.get(groupe.projet.identifiant)
    feuille = feuille_de_route(
        ctx.donnees,
        ctx.plan,
        groupe.projet.identifiant,
        groupe.libelle,
        options.pauses if options else None,
    )
    if request.GET.get("format") == "pdf":
        return reponse_fichier(
            rendu.feuille_de_route_pdf(feuille),
            nom_avec_extension(
                f"feuille-de-route-{groupe.projet.code or 'projet'}-{groupe.libelle}", "pdf"
            ),
            "application/pdf",
        )
    return render(request, "conventions/feuille_de_route.html", {"f": feuille, "groupe": groupe})
