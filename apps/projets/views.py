"""Parcours du porteur en cinq étapes (brouillons) : zone, structures, porteur, programme,
soumission ; liste et fiche du projet."""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.campagnes.models import Session
from apps.comptes.acces import porteur_requis
from apps.comptes.invitations import compte_invite, envoyer_invitation
from apps.comptes.models import Role
from apps.projets import programme
from apps.projets.acces import peut_modifier, projet_accessible, projet_modifiable
from apps.projets.distances import trajets
from apps.projets.forms import (
    ChoixPorteurForm,
    ChoixStructuresForm,
    InvitationStructureForm,
    NouveauPorteurForm,
    ProgrammeForm,
    PropositionForm,
    ZoneForm,
)
from apps.projets.models import Porteur, Projet, TransitionInterdite
from apps.projets.vigilance import apercu_structures, points_de_vigilance
from apps.structures.models import StructureAccueil
from moteur.vigilance import Etat

ETAPES = [
    (e.value, e.label, nom)
    for e, nom in zip(
        Projet.Etape, ["zone", "structures", "porteur", "programme", "soumission"], strict=True
    )
]


def _contexte(request: HttpRequest, projet: Projet | None, etape: int, **extra) -> dict:
    return {
        "projet": projet,
        "etape_courante": etape,
        "etapes": ETAPES,
        "modifiable": projet is None or peut_modifier(request.user, projet),
        **extra,
    }


def _avancer(projet: Projet, etape: int) -> None:
    if projet.etape < etape:
        projet.etape = etape
        projet.save(update_fields=["etape", "modifie_le"])


def _lecture_seule(request: HttpRequest, projet: Projet) -> HttpResponse | None:
    """Un projet soumis ou validé s'affiche sur sa fiche, pas dans le parcours. Une écriture
    sur un projet d'une session archivée est refusée (403 `SessionArchivee`)."""
    if request.method == "POST":
        projet.session.verifier_modifiable()
    if peut_modifier(request.user, projet):
        return None
    if projet.session.est_archivee:
        messages.info(
            request,
            f"La session « {projet.session.nom} » est archivée : ce projet se consulte seulement.",
        )
    else:
        messages.info(request, "Ce projet est en cours de validation : il n'est plus modifiable.")
    return redirect("projets:detail", pk=projet.pk)


# --- Liste -----------------------------------------------------------------------------


TOUTES_SESSIONS = "toutes"


@dataclass(frozen=True, slots=True)
class ChoixSession:
    """Le filtre de session de la liste : par défaut la session en cours (si le compte y a
    des projets, sinon toutes), une autre, ou toutes ; la session de chaque projet est
    toujours affichée à côté de son nom (le projet 2026 et son brouillon 2027 se distinguent).
    """

    sessions: list[Session]
    choisie: Session | None  # None : toutes les sessions
    valeur: str

    @classmethod
    def depuis(cls, request: HttpRequest) -> ChoixSession:
        visibles = Projet.objects.visibles_par(request.user)
        sessions = list(Session.objects.filter(projets__in=visibles).distinct())
        demandee = request.GET.get("session", "")
        if demandee == TOUTES_SESSIONS:
            return cls(sessions, None, TOUTES_SESSIONS)
        par_pk = {str(s.pk): s for s in sessions}
        choisie = par_pk.get(demandee) or next((s for s in sessions if s.est_active), None)
        if choisie is None:
            return cls(sessions, None, TOUTES_SESSIONS)
        return cls(sessions, choisie, str(choisie.pk))


def projets_de_la_liste(request: HttpRequest, session: Session | None) -> QuerySet[Projet]:
    projets = (
        Projet.objects.visibles_par(request.user)
        .select_related("commune", "porteur", "session", "reconduit_de__session")
        .annotate(nb_structures=Count("structures", distinct=True))
        .order_by("-modifie_le", "nom")
    )
    if session is not None:
        projets = projets.filter(session=session)
    statut = request.GET.get("statut", "")
    if statut in Projet.Statut.values:
        projets = projets.filter(statut=statut)
    return projets


@porteur_requis
@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    choix = ChoixSession.depuis(request)
    return render(
        request,
        "projets/liste.html",
        {
            "projets": projets_de_la_liste(request, choix.choisie),
            "choix_session": choix,
            "toutes_sessions": TOUTES_SESSIONS,
            "statuts": Projet.Statut.choices,
            "statut": request.GET.get("statut", ""),
        },
    )


@porteur_requis
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_accessible(request, pk)
    structures = list(projet.structures.select_related("commune").order_by("nom"))
    lignes, jours = programme.grille(projet)
    points = points_de_vigilance(projet)
    return render(
        request,
        "projets/detail.html",
        _contexte(
            request,
            projet,
            0,
            structures=structures,
            lignes=lignes,
            jours=jours,
            points=points,
            bloque=any(p.etat == Etat.BLOQUANT for p in points),
            trajets=trajets(projet, structures)[:10],
        ),
    )


# --- Étape 1 : zone --------------------------------------------------------------------


@porteur_requis
def creer(request: HttpRequest) -> HttpResponse:
    session = Session.objects.active()
    if session is None:
        messages.error(request, "Aucune session de stage n'est ouverte : revenez plus tard.")
        return redirect("projets:liste")
    if request.method == "POST":
        session.verifier_modifiable()
    form = ZoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            projet = form.save(commit=False)
            projet.session = session
            projet.identifiant = f"web-{secrets.token_hex(4)}"
            projet.etape = Projet.Etape.SECTEURS
            projet.save()
            _identifiant_lisible(projet)
            projet.gestionnaires.add(request.user)
        messages.success(request, "Brouillon enregistré. Étape suivante : les structures.")
        return redirect("projets:structures", pk=projet.pk)
    return render(request, "projets/etape_zone.html", _contexte(request, None, 1, form=form))


def _identifiant_lisible(projet: Projet) -> None:
    """Un projet créé sur le web prend son code lisible pour identifiant (celui du format
    d'échange), sauf si un projet importé l'occupe déjà."""
    autres = Projet.objects.filter(session=projet.session, identifiant=projet.code)
    if not autres.exists():
        projet.identifiant = projet.code
        projet.save(update_fields=["identifiant"])


@porteur_requis
def zone(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_accessible(request, pk)
    if (refus := _lecture_seule(request, projet)) is not None:
        return refus
    form = ZoneForm(request.POST or None, instance=projet)
    if request.method == "POST" and form.is_valid():
        form.save()
        _avancer(projet, Projet.Etape.SECTEURS)
        messages.success(request, "Zone enregistrée.")
        return redirect("projets:structures", pk=projet.pk)
    structures = list(projet.structures.order_by("nom"))
    return render(
        request,
        "projets/etape_zone.html",
        _contexte(request, projet, 1, form=form, trajets=trajets(projet, structures)),
    )


@porteur_requis
@require_GET
def zone_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    """La zone (contour de la commune ou de l'EPCI), le rendez-vous et les structures."""
    projet = projet_accessible(request, pk)
    contour = (projet.epci.contour if projet.epci_id else "") or projet.commune.contour
    elements = []
    if contour:
        forme = json.loads(contour)
        forme = forme.get("geometry", forme) if forme.get("type") == "Feature" else forme
        elements.append(
            {
                "type": "Feature",
                "geometry": forme,
                "properties": {"genre": "zone", "nom": str(projet.epci or projet.commune)},
            }
        )
    elements.append(
        _point(projet, "rendez-vous", projet.lieu_rendez_vous or "Point de rendez-vous")
    )
    elements += [_point(s, "structure", s.nom) for s in projet.structures.order_by("nom")]
    return JsonResponse({"type": "FeatureCollection", "features": elements})


def _point(objet, genre: str, nom: str) -> dict:
    return {
        "type": "Feature",
        "properties": {"genre": genre, "nom": nom},
        "geometry": {"type": "Point", "coordinates": [objet.longitude, objet.latitude]},
    }


# --- Étape 2 : secteurs et structures --------------------------------------------------------


def structures_proches(projet: Projet) -> QuerySet[StructureAccueil]:
    """Structures de la session dans un carré de `distance_max_km` autour du rendez-vous,
    plus celles déjà retenues."""
    d = projet.session.distance_max_km
    dlat = d / 111.0
    dlon = d / (111.0 * max(0.1, math.cos(math.radians(projet.latitude))))
    carre = Q(
        latitude__range=(projet.latitude - dlat, projet.latitude + dlat),
        longitude__range=(projet.longitude - dlon, projet.longitude + dlon),
    )
    return (
        StructureAccueil.objects.de_la_session(projet.session_id)
        .filter(carre | Q(pk__in=projet.structures.values("pk")))
        .select_related("commune")
        .order_by("nom")
    )


@porteur_requis
def structures(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_accessible(request, pk)
    if (refus := _lecture_seule(request, projet)) is not None:
        return refus
    choix = ChoixStructuresForm(
        request.POST if "choisir" in request.POST else None,
        structures=structures_proches(projet),
        initial={"structures": list(projet.structures.all()), "secteurs": projet.secteurs},
    )
    invitation = InvitationStructureForm(request.POST if "inviter" in request.POST else None)
    if "choisir" in request.POST and choix.is_valid():
        projet.structures.set(choix.cleaned_data["structures"])
        projet.secteurs = choix.cleaned_data["secteurs"]
        projet.save(update_fields=["secteurs", "modifie_le"])
        _avancer(projet, Projet.Etape.PORTEUR)
        messages.success(request, "Structures enregistrées.")
        return redirect("projets:porteur", pk=projet.pk)
    if "inviter" in request.POST and invitation.is_valid():
        structure = _inviter_structure(request, projet, invitation)
        messages.success(request, f"{structure.nom} est invitée : un courriel est parti.")
        return redirect("projets:structures", pk=projet.pk)
    retenues = list(projet.structures.select_related("commune").order_by("nom"))
    return render(
        request,
        "projets/etape_structures.html",
        _contexte(
            request,
            projet,
            2,
            choix=choix,
            invitation=invitation,
            retenues=retenues,
            apercu=apercu_structures(projet, retenues),
            trajets=trajets(projet, retenues),
        ),
    )


def _inviter_structure(
    request: HttpRequest, projet: Projet, form: InvitationStructureForm
) -> StructureAccueil:
    with transaction.atomic():
        structure = form.save(commit=False)
        structure.session = projet.session
        structure.identifiant = f"web-{secrets.token_hex(4)}"
        structure.latitude = structure.commune.latitude
        structure.longitude = structure.commune.longitude
        structure.save()
        utilisateur, _ = compte_invite(form.cleaned_data["email_gestionnaire"], Role.STRUCTURE)
        structure.gestionnaires.add(utilisateur)
        projet.structures.add(structure)
    envoyer_invitation(request, utilisateur, structure.nom, f"Le projet « {projet.nom} »")
    return structure


# --- Étape 3 : porteur ---------------------------------------------------------------------


@porteur_requis
def porteur(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_accessible(request, pk)
    if (refus := _lecture_seule(request, projet)) is not None:
        return refus
    donnees = request.POST or None
    choix = ChoixPorteurForm(
        donnees,
        utilisateur=request.user,
        projet=projet,
        initial={
            "porteur": projet.porteur,
            "signature_par_structures": projet.signature_par_structures,
        },
    )
    nouveau = NouveauPorteurForm(donnees, prefix="nouveau")
    if request.method == "POST" and choix.is_valid():
        retenu = choix.cleaned_data["porteur"] or _nouveau_porteur(request, choix, nouveau)
        if retenu is not None:
            projet.porteur = retenu
            projet.signature_par_structures = choix.cleaned_data["signature_par_structures"]
            projet.save(update_fields=["porteur", "signature_par_structures", "modifie_le"])
            _avancer(projet, Projet.Etape.PROGRAMME)
            messages.success(request, f"Porteur de la convention : {retenu.nom}.")
            return redirect("projets:programme", pk=projet.pk)
    return render(
        request,
        "projets/etape_porteur.html",
        _contexte(request, projet, 3, choix=choix, nouveau=nouveau),
    )


def _nouveau_porteur(
    request: HttpRequest, choix: ChoixPorteurForm, nouveau: NouveauPorteurForm
) -> Porteur | None:
    """Le porteur décrit dans le second formulaire ; son auteur en devient gestionnaire."""
    if not nouveau.is_valid():
        return None
    if not nouveau.cleaned_data["nom"]:
        choix.add_error("porteur", "Choisissez un porteur ou décrivez-en un nouveau.")
        return None
    with transaction.atomic():
        retenu = nouveau.save()
        retenu.gestionnaires.add(request.user)
    return retenu


# --- Étape 4 : programme ------------------------------------------------------------------


@porteur_requis
def programme_vue(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_accessible(request, pk)
    if (refus := _lecture_seule(request, projet)) is not None:
        return refus
    form = ProgrammeForm(request.POST or None, instance=projet)
    if request.method == "POST" and form.is_valid():
        form.save()
        _avancer(projet, Projet.Etape.VALIDATION)
        messages.success(request, "Programme enregistré.")
        return redirect("projets:soumission", pk=projet.pk)
    return render(
        request,
        "projets/etape_programme.html",
        _contexte(
            request,
            projet,
            4,
            form=form,
            **_contexte_grille(projet),
        ),
    )


def _contexte_grille(projet: Projet) -> dict:
    lignes, jours = programme.grille(projet)
    return {
        "lignes": lignes,
        "jours": jours,
        "options": list(projet.structures.order_by("nom")),
        "proposition": PropositionForm(
            places=projet.places, initial={"eleves": projet.eleves_prevus or projet.places}
        ),
        "points": points_de_vigilance(projet),
    }


# --- Étape 5 : soumission -------------------------------------------------------------------


@porteur_requis
def soumission(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_accessible(request, pk)
    if (refus := _lecture_seule(request, projet)) is not None:
        return refus
    points = points_de_vigilance(projet)
    if request.method == "POST":
        try:
            projet.soumettre()
        except TransitionInterdite as erreur:
            messages.error(request, str(erreur))
        else:
            messages.success(request, "Projet soumis à la coordination régionale.")
            return redirect("projets:detail", pk=projet.pk)
    return render(
        request,
        "projets/etape_soumission.html",
        _contexte(
            request,
            projet,
            5,
            points=points,
            bloque=any(p.etat == Etat.BLOQUANT for p in points),
        ),
    )


@porteur_requis
@require_POST
def proposer(request: HttpRequest, pk: int) -> HttpResponse:
    projet = projet_modifiable(request, pk)
    form = PropositionForm(request.POST, places=projet.places)
    if not form.is_valid():
        for erreur in form.errors.get("eleves", []):
            messages.error(request, f"Nombre d'élèves à répartir : {erreur}")
    elif not projet.structures.exists():
        messages.error(request, "Choisissez d'abord des structures d'accueil (étape 2).")
    else:
        _annoncer(request, programme.proposer(projet, form.cleaned_data["eleves"]))
    return redirect("projets:programme", pk=projet.pk)


def _annoncer(request: HttpRequest, proposition: programme.Proposition) -> None:
    supposes = f"Élèves supposés : {proposition.eleves_fr} ({proposition.source})."
    if proposition.cases:
        pluriel = "s" if proposition.groupes > 1 else ""
        messages.success(
            request,
            f"Programme proposé : {proposition.groupes} groupe{pluriel}, "
            f"{proposition.cases} journées placées. Ajustez la grille. {supposes}",
        )
        return
    messages.error(
        request,
        "Aucun programme possible : "
        + " ".join(proposition.raisons)
        + (f" {supposes}" if proposition.effectifs else ""),
    )
