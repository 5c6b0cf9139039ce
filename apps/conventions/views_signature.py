"""Pages de signature : par lien personnel (sans compte), depuis l'espace connecté du chef
d'établissement ou du porteur (une par une ou par lot), et « signé hors plateforme »."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.campagnes.models import SessionArchivee
from apps.conventions import services, signatures
from apps.conventions.acces import (
    adresse_ip_client,
    convention_ou_404,
    signataires_requis,
    signature_ou_404,
)
from apps.conventions.fichiers import nom_avec_extension, reponse_fichier
from apps.conventions.models import Signature
from apps.journal.services import Action, journaliser

LOT_MAX = 50


def _preuve(request: HttpRequest, nom: str, empreinte: str, mode: str) -> signatures.Preuve:
    return signatures.Preuve(
        nom=nom,
        empreinte_pdf_vue=empreinte,
        adresse_ip=adresse_ip_client(request),
        navigateur=request.META.get("HTTP_USER_AGENT", ""),
        mode=mode,
        utilisateur=request.user if request.user.is_authenticated else None,
    )


ACTEUR_LIEN = "lien de signature"


def _journal_lien(request: HttpRequest, action: str, signature: Signature, quoi: str) -> None:
    """Le journal d'un accès par lien personnel : l'acteur est « lien de signature », la
    partie est nommée par son rôle, l'élève par son identifiant pseudonyme."""
    convention = signature.version.convention
    journaliser(
        request.user if request.user.is_authenticated else None,
        action,
        f"convention de l'élève {convention.eleve.identifiant} ({quoi}, version "
        f"{signature.version.numero}, partie : {signature.get_role_display().lower()})",
        session=convention.eleve.session,
        acteur=ACTEUR_LIEN,
    )


def _erreur(request: HttpRequest, message: str, statut: int) -> HttpResponse:
    return render(request, "conventions/signer_erreur.html", {"message": message}, status=statut)


# --- Par lien personnel -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signer(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        signature = signatures.signature_du_jeton(jeton)
    except signatures.JetonInvalide as exc:
        return _erreur(request, str(exc), 404)
    if signature.est_signee:
        # Après la signature, le lien ne montre plus qu'une confirmation.
        return render(request, "conventions/signer_confirmation.html", {"signature": signature})
    try:
        signature.version.convention.eleve.session.verifier_modifiable()
    except SessionArchivee as exc:
        return _erreur(request, str(exc), 403)
    version = signature.version
    try:
        empreinte_pdf = signatures.preparer(signature)
    except services.VersionPerimee:
        return _erreur(request, "Le plan a changé : une nouvelle version vous sera envoyée.", 409)
    erreur = ""
    if request.method == "POST":
        nom = request.POST.get("nom", "").strip()
        if not nom or request.POST.get("accord") != "1":
            erreur = "Indiquez votre nom et cochez la case d'accord pour signer."
        else:
            preuve = _preuve(
                request, nom, request.POST.get("empreinte_pdf", ""), Signature.Mode.LIEN
            )
            try:
                signatures.signer(signature, preuve)
            except signatures.JetonInvalide as exc:
                return _erreur(request, str(exc), 409)
            except signatures.SignatureRefusee as exc:
                erreur = str(exc)
            else:
                _journal_lien(request, Action.MODIFICATION, signature, "signée par le lien")
                return redirect("conventions:signer", jeton=jeton)
    return render(
        request,
        "conventions/signer.html",
        {
            "signature": signature,
            "version": version,
            "convention": version.convention,
            "jeton": jeton,
            "empreinte_pdf": empreinte_pdf,
            "erreur": erreur,
            "autres": version.signatures.order_by("ordre"),
        },
    )


@require_GET
def signer_pdf(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        signature = signatures.signature_du_jeton(jeton)
        if signature.est_signee:
            raise Http404("Convention déjà signée.")
        contenu = services.pdf_version(signature.version)
    except (signatures.JetonInvalide, services.VersionPerimee) as exc:
        raise Http404 from exc
    _journal_lien(request, Action.CONSULTATION, signature, "PDF lu par le lien")
    nom = nom_avec_extension(f"convention-{signature.version.convention.eleve.identifiant}", "pdf")
    return reponse_fichier(contenu, nom, "application/pdf", attache=False)


# --- Depuis l'espace connecté ----------------------------------------------------------------


@signataires_requis
@require_http_methods(["GET", "POST"])
def a_signer(request: HttpRequest) -> HttpResponse:
    """Les conventions que le compte signe lui-même, regroupées par établissement ; on
    coche après revue (chaque case porte l'empreinte du PDF relu) et l'on signe."""
    if request.method == "POST":
        # Les signatures d'une session archivée restent visées : le lot est refusé (403).
        toutes = signatures.a_signer_par(request.user, archivees=True)[:LOT_MAX]
        return _signer_lot(request, {s.pk: s for s in toutes})
    attente = list(signatures.a_signer_par(request.user)[:LOT_MAX])
    lignes = []
    for signature in attente:
        try:
            lignes.append((signature, signatures.preparer(signature)))
        except services.VersionPerimee:
            continue
    etablissements: dict[str, list] = {}
    for signature, empreinte in lignes:
        nom = signature.version.convention.eleve.etablissement.nom
        etablissements.setdefault(nom, []).append((signature, empreinte))
    return render(
        request,
        "conventions/a_signer.html",
        {"etablissements": etablissements, "nom": request.user.get_full_name(), "max": LOT_MAX},
    )


def _signer_lot(request: HttpRequest, attente: dict[int, Signature]) -> HttpResponse:
    nom = request.POST.get("nom", "").strip()
    revues = dict(v.partition(":")[::2] for v in request.POST.getlist("revue"))
    tout = request.POST.get("tout")
    if tout:
        choix = [
            str(pk)
            for pk, s in attente.items()
            if s.version.convention.eleve.etablissement.uai == tout
        ]
    else:
        choix = request.POST.getlist("signature")
    if not nom or request.POST.get("accord") != "1" or not choix:
        messages.error(
            request,
            "Cochez au moins une convention, indiquez votre nom et cochez la case d'accord.",
        )
        return redirect("conventions:a_signer")
    retenues = [(pk, attente[int(pk)]) for pk in choix if pk.isdigit() and int(pk) in attente]
    for _, signature in retenues:
        signature.version.convention.eleve.session.verifier_modifiable()
    signees, refusees = 0, []
    for pk, signature in retenues:
        empreinte = revues.get(pk, "")
        try:
            signatures.signer(signature, _preuve(request, nom, empreinte, Signature.Mode.ESPACE))
        except signatures.SignatureRefusee as exc:
            refusees.append(f"{signature.version.convention.eleve.identifiant} : {exc}")
        else:
            signees += 1
    if signees:
        journaliser(
            request.user,
            Action.MODIFICATION,
            "signature de conventions depuis l'espace",
            session=next(iter(attente.values())).version.convention.eleve.session,
            nombre_eleves=signees,
        )
        messages.success(request, f"{signees} convention(s) signée(s). Une preuve par convention.")
    for refus in refusees:
        messages.error(request, refus)
    return redirect("conventions:a_signer")


# --- Signé hors plateforme ---------------------------------------------------------------------


@login_required
@require_POST
def hors_plateforme(request: HttpRequest, pk: int) -> HttpResponse:
    """Une partie a signé sur papier : son scan est téléversé et vaut signature."""
    signature = signature_ou_404(request, pk)
    convention = signature.version.convention
    if not signatures.peut_noter_hors_plateforme(request.user, signature):
        raise Http404("Cette page n'existe pas ou ne vous est pas accessible.")
    convention.eleve.session.verifier_modifiable()
    fichier = request.FILES.get("scan")
    nom = request.POST.get("nom", "").strip()
    if fichier is None or not nom:
        messages.error(request, "Indiquez le nom du signataire et joignez le scan signé.")
        return redirect("conventions:detail", pk=convention.pk)
    try:
        empreinte = signatures.preparer(signature)
        preuve = _preuve(request, nom, empreinte, Signature.Mode.HORS_PLATEFORME)
        signatures.signer_hors_plateforme(signature, nom, fichier, preuve)
    except services.VersionPerimee:
        messages.error(request, "Le plan a changé : mettez d'abord les conventions à jour.")
    except signatures.SignatureRefusee as exc:
        messages.error(request, str(exc))
    else:
        journaliser(
            request.user,
            Action.MODIFICATION,
            f"convention de l'élève {convention.eleve.identifiant} (signée hors plateforme)",
            session=convention.eleve.session,
        )
        messages.success(request, "Signature hors plateforme enregistrée avec son scan.")
    return redirect("conventions:detail", pk=convention.pk)


@login_required
@require_GET
def scan(request: HttpRequest, pk: int, signature_pk: int) -> HttpResponse:
    convention = convention_ou_404(request, pk)
    signature = Signature.objects.filter(
        version__convention=convention, pk=signature_pk, scan__isnull=False
    ).first()
    if signature is None:
        raise Http404("Aucun scan pour cette signature.")
    journaliser(
        request.user,
        Action.CONSULTATION,
        f"convention de l'élève {convention.eleve.identifiant} (scan signé)",
        session=convention.eleve.session,
    )
    extension = {"application/pdf": "pdf", "image/png": "png"}.get(signature.scan_type, "jpg")
    nom = nom_avec_extension(f"scan-{convention.eleve.identifiant}-{signature.cle}", extension)
    return reponse_fichier(bytes(signature.scan), nom, signature.scan_type)
