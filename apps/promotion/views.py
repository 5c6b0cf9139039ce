"""Page de la coordination : la publication nationale de chaque projet et le bouton
« publier / mettre à jour tout » (tâche de fond)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.campagnes.acces import session_active_ou_404
from apps.campagnes.models import Session
from apps.comptes.acces import coordination_requise
from apps.projets.models import Projet
from apps.promotion.code import code_du_projet
from apps.promotion.models import EnvoiNational, PublicationNationale
from apps.promotion.reglages import lire_reglages
from apps.promotion.taches import publier_tout as tache_publier_tout

journal = logging.getLogger(__name__)
# Un envoi resté « en attente » ou « en cours » plus longtemps ne bloque plus le bouton.
DELAI_ENVOI_ACTIF = timedelta(minutes=30)


@dataclass(slots=True)
class Ligne:
    code: str
    nom: str
    statut: str
    fiche: PublicationNationale | None

    @property
    def etat(self) -> str:
        if self.fiche is None or not (self.fiche.publiee or self.fiche.depubliee_le):
            return "Non"
        return "Oui" if self.fiche.publiee else "Dépublié"

    @property
    def quand(self):
        if self.fiche is None:
            return None
        return self.fiche.publiee_le if self.fiche.publiee else self.fiche.depubliee_le

    @property
    def erreur(self) -> str:
        return self.fiche.derniere_erreur if self.fiche else ""


def _lignes(session: Session) -> list[Ligne]:
    fiches = {
        f.projet_id: f
        for f in PublicationNationale.objects.filter(
            Q(session=session) | Q(projet__session=session)
        )
    }
    projets = Projet.objects.de_la_session(session).filter(
        Q(statut=Projet.Statut.PUBLIE) | Q(pk__in=[k for k in fiches if k])
    )
    lignes = [
        Ligne(code_du_projet(p), p.nom, p.get_statut_display(), fiches.get(p.pk))
        for p in projets.order_by("identifiant", "pk")
    ]
    orphelines = PublicationNationale.objects.filter(session=session, projet__isnull=True)
    lignes += [Ligne(f.remote_id, "(projet supprimé)", "—", f) for f in orphelines]
    return lignes


def _envoi_actif(session: Session) -> EnvoiNational | None:
    return (
        EnvoiNational.objects.filter(
            session=session,
            statut__in=[EnvoiNational.Statut.EN_ATTENTE, EnvoiNational.Statut.EN_COURS],
            cree_le__gte=timezone.now() - DELAI_ENVOI_ACTIF,
        )
        .order_by("-cree_le")
        .first()
    )


@require_GET
@coordination_requise
def tableau(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    reglages = lire_reglages()
    return render(
        request,
        "promotion/tableau.html",
        {
            "session": session,
            "lignes": _lignes(session),
            "manquants": reglages.manquants,
            "url_api": reglages.url_api,
            "dernier_envoi": EnvoiNational.objects.filter(session=session).first(),
            "envoi_actif": _envoi_actif(session),
        },
    )


@require_POST
@coordination_requise
def publier_tout(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    reglages = lire_reglages()
    if reglages.manquants:
        messages.error(
            request,
            "Publication nationale non configurée : réglez "
            + ", ".join(reglages.manquants)
            + " dans l'environnement du serveur.",
        )
        return redirect("promotion:tableau")
    if _envoi_actif(session) is not None:
        messages.error(request, "Un envoi est déjà en cours : attendez qu'il se termine.")
        return redirect("promotion:tableau")
    envoi = EnvoiNational.objects.create(session=session, demande_par=request.user)
    url_site = reglages.url_site or request.build_absolute_uri("/")
    try:
        tache_publier_tout.enqueue(envoi.pk, url_site)
    except Exception:
        journal.exception("Mise en file impossible pour l'envoi national n° %s", envoi.pk)
        envoi.statut = EnvoiNational.Statut.ECHEC
        envoi.resume = "La mise en file de l'envoi a échoué : réessayez dans un instant."
        envoi.termine_le = timezone.now()
        envoi.save()
        messages.error(request, envoi.resume)
        return redirect("promotion:tableau")
    envoi.refresh_from_db()
    if envoi.actif:
        messages.success(
            request,
            "Envoi lancé : les projets publiés sur la carte partent vers 1 élève, 1 stage "
            "(au plus 100 appels par minute). Rechargez la page pour voir le résultat.",
        )
    elif envoi.statut == EnvoiNational.Statut.TERMINE:
        messages.success(request, "Envoi terminé. " + envoi.resume.replace("\n", " "))
    else:
        messages.error(request, "Envoi en échec. " + envoi.resume.replace("\n", " "))
    return redirect("promotion:tableau")
