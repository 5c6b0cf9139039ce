"""Pages des conventions : tableau de suivi, documents, signature par lien, emplois du
temps imprimables, suivi (présences, incidents, restitution)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.campagnes.models import Session
from apps.conventions import rendu, services
from apps.conventions.models import Convention, Incident, Presence
from apps.etablissements.models import Eleve, Etablissement, IdentiteEleve
from apps.projets.models import Creneau, Groupe
from apps.structures.models import StructureAccueil
from moteur.documents import eleves_attendus, feuille_de_route

# --- Accès ---------------------------------------------------------------------------------


def _convention_accessible(request: HttpRequest, pk: int) -> Convention:
    convention = get_object_or_404(Convention.objects.select_related("eleve", "projet"), pk=pk)
    if not Convention.objects.visibles_par(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return convention


def _session_active() -> Session:
    session = Session.objects.active()
    if session is None:
        raise Http404("Aucune session de stage en cours.")
    return session


def _groupe_accessible(request: HttpRequest, pk: int) -> Groupe:
    groupe = get_object_or_404(Groupe.objects.select_related("projet__session"), pk=pk)
    utilisateur = request.user
    if utilisateur.est_coordinateur:
        return groupe
    if (
        groupe.projet.porteur
        and groupe.projet.porteur.gestionnaires.filter(pk=utilisateur.pk).exists()
    ):
        return groupe
    if groupe.affectations.filter(eleve__etablissement__gestionnaires=utilisateur).exists():
        return groupe
    raise PermissionDenied


def _structure_accessible(request: HttpRequest, pk: int) -> StructureAccueil:
    structure = get_object_or_404(StructureAccueil, pk=pk)
    if not StructureAccueil.objects.gerees_par(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return structure


def _fichier(contenu: bytes, nom: str, type_mime: str, attache: bool = True) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type=type_mime)
    disposition = "attachment" if attache else "inline"
    reponse["Content-Disposition"] = f'{disposition}; filename="{nom}"'
    return reponse


# --- Tableau et détail ---------------------------------------------------------------------


@login_required
@require_GET
def tableau(request: HttpRequest) -> HttpResponse:
    session = _session_active()
    conventions = (
        Convention.objects.visibles_par(request.user)
        .de_la_session(session)
        .select_related("eleve__etablissement", "projet")
        .prefetch_related("versions__signatures")
        .order_by("eleve__etablissement__nom", "eleve__identifiant")
    )
    lignes = []
    for c in conventions:
        versions = sorted(c.versions.all(), key=lambda v: v.numero)
        courante = versions[-1] if versions else None
        signatures = sorted(courante.signatures.all(), key=lambda s: s.ordre) if courante else []
        lignes.append((c, courante, signatures))
    etablissements = sorted({c.eleve.etablissement for c in conventions}, key=lambda e: e.nom)
    return render(
        request,
        "conventions/tableau.html",
        {
            "session": session,
            "lignes": lignes,
            "etablissements": etablissements,
            "peut_synchroniser": request.user.est_coordinateur,
        },
    )


@login_required
@require_POST
def synchroniser(request: HttpRequest) -> HttpResponse:
    if not request.user.est_coordinateur:
        raise PermissionDenied
    bilan = services.synchroniser(_session_active())
    messages.success(
        request,
        (
            f"Conventions à jour : {bilan.creees} créée(s), {bilan.nouvelles_versions} nouvelle(s) "
            f"version(s) à signer, {bilan.inchangees} inchangée(s), {bilan.annulees} annulée(s)."
        ),
    )
    return redirect("conventions:tableau")


@login_required
@require_POST
def relancer(request: HttpRequest) -> HttpResponse:
    session = _session_active()
    conventions = Convention.objects.visibles_par(request.user).de_la_session(session)
    if request.POST.get("convention"):
        conventions = conventions.filter(pk=request.POST["convention"])
    envoyes = services.envoyer_liens(conventions, request.build_absolute_uri("/")[:-1])
    messages.success(request, f"{envoyes} courriel(s) envoyé(s) aux signataires en attente.")
    return redirect(request.POST.get("retour") or "conventions:tableau")


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _convention_accessible(request, pk)
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
    return render(
        request,
        "conventions/detail.html",
        {
            "convention": convention,
            "versions": versions,
            "suivi": [(j, presences.get(j)) for j in jours],
            "incidents": convention.eleve.incidents.order_by("-date", "-cree_le"),
            "statuts_presence": Presence.Statut.choices,
        },
    )


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _convention_accessible(request, pk)
    version = convention.version_courante()
    if version is None:
        raise Http404
    try:
        contenu = services.pdf_version(version)
    except services.VersionPerimee:
        messages.warning(request, "Le plan a changé : synchronisez les conventions.")
        return redirect("conventions:detail", pk=pk)
    return _fichier(
        contenu,
        f"convention-{convention.eleve.identifiant}-v{version.numero}.pdf",
        "application/pdf",
    )


@login_required
@require_GET
def calendrier(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _convention_accessible(request, pk)
    contenu = services.ics_eleve(convention.eleve)
    if contenu is None:
        raise Http404
    return _fichier(contenu, f"{convention.eleve.identifiant}.ics", "text/calendar")


@login_required
@require_GET
def attestation(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _convention_accessible(request, pk)
    contenu = services.attestation(convention)
    if contenu is None:
        raise Http404
    return _fichier(contenu, f"attestation-{convention.eleve.identifiant}.pdf", "application/pdf")


@login_required
@require_GET
def lot_etablissement(request: HttpRequest, uai: str) -> HttpResponse:
    etablissement = get_object_or_404(Etablissement.objects.geres_par(request.user), uai=uai)
    session = _session_active()
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
            fichiers.append((f"{convention.eleve.identifiant}.pdf", services.pdf_version(version)))
        except services.VersionPerimee:
            continue
    return _fichier(rendu.archive_zip(fichiers), f"conventions-{uai}.zip", "application/zip")


# --- Suivi ---------------------------------------------------------------------------------


@login_required
@require_POST
def presence(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _convention_accessible(request, pk)
    jour = date.fromisoformat(request.POST["date"])
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
    if request.htmx:
        return render(
            request,
            "conventions/_presence.html",
            {
                "convention": convention,
                "jour": jour,
                "presence": objet,
                "statuts_presence": Presence.Statut.choices,
            },
        )
    return redirect("conventions:detail", pk=pk)


@login_required
@require_POST
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _convention_accessible(request, pk)
    note = request.POST.get("note", "").strip()
    if not note:
        messages.error(request, "Décrivez l'incident.")
        return redirect("conventions:detail", pk=pk)
    jour = date.fromisoformat(request.POST.get("date") or date.today().isoformat())
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
    messages.success(request, "Incident noté.")
    return redirect("conventions:detail", pk=pk)


@login_required
@require_POST
def restitution(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _convention_accessible(request, pk)
    convention.restitution_faite = request.POST.get("faite") == "1"
    convention.restitution_le = date.today() if convention.restitution_faite else None
    convention.save(update_fields=["restitution_faite", "restitution_le", "modifie_le"])
    return redirect("conventions:detail", pk=pk)


# --- Signature par lien (sans compte) --------------------------------------------------------


def _adresse_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
def signer(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        signature = services.signature_du_jeton(jeton)
    except services.JetonInvalide as exc:
        return render(request, "conventions/signer_erreur.html", {"message": str(exc)}, status=403)
    version = signature.version
    erreur = ""
    if request.method == "POST" and not signature.est_signee:
        nom = request.POST.get("nom", "").strip()
        if not nom or request.POST.get("accord") != "1":
            erreur = "Indiquez votre nom et cochez la case d'accord pour signer."
        else:
            try:
                services.signer(
                    signature, nom, _adresse_ip(request), request.META.get("HTTP_USER_AGENT", "")
                )
            except services.JetonInvalide as exc:
                return render(
                    request, "conventions/signer_erreur.html", {"message": str(exc)}, status=409
                )
            return redirect("conventions:signer", jeton=jeton)
    signature.refresh_from_db()
    return render(
        request,
        "conventions/signer.html",
        {
            "signature": signature,
            "version": version,
            "convention": version.convention,
            "jeton": jeton,
            "erreur": erreur,
            "autres": version.signatures.order_by("ordre"),
        },
    )


@require_GET
def signer_pdf(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        signature = services.signature_du_jeton(jeton)
        contenu = services.pdf_version(signature.version)
    except (services.JetonInvalide, services.VersionPerimee) as exc:
        raise Http404 from exc
    nom = f"convention-{signature.version.convention.eleve.identifiant}.pdf"
    return _fichier(contenu, nom, "application/pdf", attache=False)


# --- Emplois du temps imprimables ---------------------------------------------------------------


@login_required
@require_GET
def feuille_route(request: HttpRequest, pk: int) -> HttpResponse:
    groupe = _groupe_accessible(request, pk)
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
        return _fichier(
            rendu.feuille_de_route_pdf(feuille),
            f"feuille-de-route-{groupe.projet.identifiant}-{groupe.libelle}.pdf",
            "application/pdf",
        )
    return render(request, "conventions/feuille_de_route.html", {"f": feuille, "groupe": groupe})


@login_required
@require_GET
def attendus(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _structure_accessible(request, pk)
    ctx = services.contexte(structure.session)
    liste = eleves_attendus(ctx.donnees, ctx.plan, structure.identifiant)
    presences = {
        (ident, jour): statut
        for ident, jour, statut in Presence.objects.filter(structure=structure)
        .order_by("date")
        .values_list("eleve__identifiant", "date", "statut")
    }
    noms = {
        ident: f"{prenom} {nom}"
        for ident, prenom, nom in IdentiteEleve.objects.filter(eleve__session=structure.session)
        .order_by("eleve_id")
        .values_list("eleve__identifiant", "prenom", "nom")
    }
    jours = [
        (
            jour,
            [
                (projet, groupe, [(e, noms.get(e, ""), presences.get((e, jour), "")) for e in ids])
                for projet, groupe, ids in groupes
            ],
            liste.total(jour),
        )
        for jour, groupes in liste.par_jour.items()
    ]
    return render(
        request,
        "conventions/attendus.html",
        {
            "structure": structure,
            "jours": jours,
            "libelles_presence": dict(Presence.Statut.choices),
        },
    )


def _eleve_de_la_structure(structure: StructureAccueil, identifiant: str, jour: date) -> Eleve:
    eleve = get_object_or_404(Eleve, session=structure.session, identifiant=identifiant)
    if not Creneau.objects.filter(
        structure=structure, date=jour, groupe__affectations__eleve=eleve
    ).exists():
        raise Http404
    return eleve


@login_required
@require_POST
def presence_structure(request: HttpRequest, pk: int) -> HttpResponse:
    """La structure note la présence d'un élève attendu chez elle ce jour-là."""
    structure = _structure_accessible(request, pk)
    jour = date.fromisoformat(request.POST["date"])
    eleve = _eleve_de_la_structure(structure, request.POST.get("eleve", ""), jour)
    statut = request.POST.get("statut", "")
    if statut not in Presence.Statut.values:
        return HttpResponse("Statut invalide.", status=400)
    Presence.objects.update_or_create(
        eleve=eleve,
        date=jour,
        defaults={"structure": structure, "statut": statut, "saisie_par": request.user},
    )
    return redirect("conventions:attendus", pk=pk)
