"""Accès aux objets des conventions, selon la règle de la maison (`apps.comptes.acces`) :
un objet hors du périmètre du compte répond 404, jamais 403 (on ne révèle pas qu'il
existe). Chaque vue passe par l'une de ces fonctions ; aucune n'écrit son test en ligne."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from apps.campagnes.acces import session_active_ou_404
from apps.campagnes.models import Session
from apps.comptes.acces import objet_ou_404, role_requis
from apps.comptes.models import Role
from apps.comptes.reseau import adresse_ip_client

__all__ = ["adresse_ip_client"]  # l'IP du client à travers les mandataires de confiance
from apps.conventions.models import Convention, Signature
from apps.etablissements.models import Etablissement
from apps.projets.models import Groupe
from apps.structures.models import StructureAccueil

# Les espaces qui suivent des conventions : la coordination, les porteurs qui les signent et
# les lycées de leurs élèves (une structure d'accueil suit les siens par « élèves attendus »).
signataires_requis = role_requis(Role.PORTEUR, Role.ETABLISSEMENT)


class EntreeInvalide(Exception):
    """Un champ de formulaire mal rempli ; le message est affichable tel quel."""


def session_active() -> Session:
    return session_active_ou_404("Aucune session de stage en cours.")


def convention_ou_404(request: HttpRequest, pk: object) -> Convention:
    return objet_ou_404(
        Convention.objects.visibles_par(request.user).select_related(
            "eleve__etablissement", "eleve__session", "projet__porteur"
        ),
        pk,
    )


def signature_ou_404(request: HttpRequest, pk: object) -> Signature:
    """Une signature de la version courante d'une convention visible par le compte."""
    conventions = Convention.objects.visibles_par(request.user)
    return objet_ou_404(
        Signature.objects.en_attente()
        .filter(version__convention__in=conventions)
        .select_related("version__convention__eleve__etablissement", "version__convention__projet"),
        pk,
    )


def groupe_ou_404(request: HttpRequest, pk: object) -> Groupe:
    utilisateur = request.user
    groupes = Groupe.objects.select_related("projet__session")
    if not utilisateur.est_coordinateur:
        ids = Groupe.objects.filter(
            Q(projet__porteur__gestionnaires=utilisateur)
            | Q(affectations__eleve__etablissement__gestionnaires=utilisateur)
        ).values("pk")
        groupes = groupes.filter(pk__in=ids)
    return objet_ou_404(groupes, pk)


def structure_ou_404(request: HttpRequest, pk: object) -> StructureAccueil:
    return objet_ou_404(StructureAccueil.objects.gerees_par(request.user), pk)


def etablissement_du_lot_ou_404(request: HttpRequest, uai: str, session: Session) -> Etablissement:
    """Un établissement dont le compte voit au moins une convention de la session (ses
    élèves pour un lycée, les élèves de ses projets pour un porteur)."""
    visibles = Convention.objects.visibles_par(request.user).de_la_session(session)
    etablissement = Etablissement.objects.filter(
        pk__in=visibles.values("eleve__etablissement"), uai=uai
    ).first()
    if etablissement is None:
        raise Http404("Cette page n'existe pas ou ne vous est pas accessible.")
    return etablissement


def chemin_de_retour(request: HttpRequest, valeur: str | None, defaut: str) -> str:
    """`valeur` si c'est un chemin de ce site, sinon `defaut` (pas de redirection ouverte)."""
    if valeur and url_has_allowed_host_and_scheme(
        valeur, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return valeur
    return defaut


def date_du_formulaire(valeur: str | None, champ: str = "date") -> date:
    try:
        return date.fromisoformat(valeur or "")
    except ValueError:
        raise EntreeInvalide(
            f"Champ « {champ} » : date attendue au format AAAA-MM-JJ, reçu « {valeur or ''} »."
        ) from None
