"""La logique des conventions sur la plateforme : synchroniser avec le plan, produire les
documents, signer par lien, relancer par courriel.

Les données des documents viennent de `moteur.documents` (comme pour la ligne de commande) ;
la base ne fait que les conserver (versions, empreintes, preuves de signature).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.campagnes.models import Session
from apps.conventions import rendu
from apps.conventions.models import Convention, Presence, Signature, VersionConvention
from apps.etablissements.models import Eleve
from apps.planification.adaptateurs import plan_moteur, session_moteur
from apps.projets.models import Projet
from apps.structures.models import StructureAccueil
from moteur import modele as m
from moteur.documents import (
    DonneesAttestation,
    DonneesConvention,
    OptionsConvention,
    contenu_canonique,
    donnees_convention,
    eleves_places,
    empreinte,
)

journal = logging.getLogger(__name__)
SEL_JETON = "conventions.signature"
JOURS_VALIDITE_DEFAUT = 30


class JetonInvalide(Exception):
    """Lien de signature inconnu, altéré, expiré ou périmé (version remplacée)."""


# --- Données -------------------------------------------------------------------------------


@dataclass(slots=True)
class Contexte:
    """La session vue par le moteur, et les réglages des projets que le dossier ignore."""

    donnees: m.Session
    plan: m.Plan
    options: dict[str, OptionsConvention]


def options_des_projets(session: Session) -> dict[str, OptionsConvention]:
    pauses = dict(
        StructureAccueil.objects.filter(session=session).values_list("identifiant", "pause_minutes")
    )
    options = {}
    for projet in Projet.objects.filter(session=session).select_related("porteur"):
        options[projet.identifiant] = OptionsConvention(
            signature_par_structures=projet.signature_par_structures,
            restitution_prevue=projet.restitution_prevue,
            lieu_rendez_vous=projet.lieu_rendez_vous,
            pauses=pauses,
            porteur_email=projet.porteur.email if projet.porteur else "",
        )
    return options


def contexte(session: Session) -> Contexte:
    return Contexte(
        donnees=session_moteur(session, avec_identites=True),
        plan=plan_moteur(session),
        options=options_des_projets(session),
    )


def donnees_eleve(ctx: Contexte, identifiant: str) -> DonneesConvention | None:
    affectation = ctx.plan.affectations.get(identifiant)
    if affectation is None or affectation.projet_id not in ctx.donnees.projets:
        return None
    options = ctx.options.get(affectation.projet_id, OptionsConvention())
    return donnees_convention(ctx.donnees, ctx.plan, identifiant, options)


# --- Synchronisation avec le plan ------------------------------------------------------------


@dataclass(slots=True)
class BilanSynchro:
    creees: int = 0
    nouvelles_versions: int = 0
    inchangees: int = 0
    annulees: int = 0


def _nouvelle_version(
    convention: Convention, donnees: DonneesConvention, precedente: VersionConvention | None
) -> VersionConvention:
    maintenant = timezone.now()
    if precedente is not None:
        precedente.remplacee_le = maintenant
        precedente.save(update_fields=["remplacee_le"])
    version = VersionConvention.objects.create(
        convention=convention,
        numero=(precedente.numero + 1) if precedente else 1,
        empreinte=empreinte(donnees),
        contenu=contenu_canonique(donnees),
    )
    Signature.objects.bulk_create(
        [
            Signature(
                version=version,
                cle=p.cle,
                role=p.role,
                organisme=p.organisme,
                signataire_prevu=p.signataire,
                email=p.email,
                ordre=i,
            )
            for i, p in enumerate(donnees.parties)
        ]
    )
    return version


def synchroniser_eleve(ctx: Contexte, eleve: Eleve, bilan: BilanSynchro) -> None:
    donnees = donnees_eleve(ctx, eleve.identifiant)
    convention = Convention.objects.filter(eleve=eleve).first()
    if donnees is None:
        if convention is not None and convention.statut != Convention.Statut.ANNULEE:
            convention.statut = Convention.Statut.ANNULEE
            convention.save(update_fields=["statut", "modifie_le"])
            bilan.annulees += 1
        return
    projet = Projet.objects.get(session=eleve.session, identifiant=donnees.projet.id)
    if convention is None:
        convention = Convention.objects.create(eleve=eleve, projet=projet)
        _nouvelle_version(convention, donnees, None)
        bilan.creees += 1
        return
    courante = convention.version_courante()
    if courante is not None and courante.empreinte == empreinte(donnees):
        bilan.inchangees += 1
        if convention.statut == Convention.Statut.ANNULEE:
            convention.statut = _statut_apres_signature(courante)
            convention.save(update_fields=["statut", "modifie_le"])
        return
    _nouvelle_version(convention, donnees, courante)
    convention.projet = projet
    convention.statut = Convention.Statut.A_SIGNER
    convention.save(update_fields=["projet", "statut", "modifie_le"])
    bilan.nouvelles_versions += 1


@transaction.atomic
def synchroniser(session: Session) -> BilanSynchro:
    """Crée les conventions des élèves placés ; une nouvelle version pour chaque convention
    dont le contenu a changé ; annule celles des élèves qui ne sont plus placés."""
    ctx = contexte(session)
    bilan = BilanSynchro()
    places = set(eleves_places(ctx.donnees, ctx.plan))
    eleves = Eleve.objects.filter(session=session).filter(
        identifiant__in=places
    ) | Eleve.objects.filter(session=session, convention__isnull=False)
    for eleve in eleves.distinct().order_by("ordre", "pk"):
        synchroniser_eleve(ctx, eleve, bilan)
    journal.info("Conventions synchronisées : %s", bilan)
    return bilan


# --- Documents -----------------------------------------------------------------------------


def _mentions_signatures(version: VersionConvention) -> dict[str, str]:
    return {
        s.cle: f"Signé électroniquement par {s.signe_par} le "
        f"{timezone.localtime(s.signee_le):%d/%m/%Y à %H:%M}"
        for s in version.signatures.order_by("ordre")
        if s.signee_le is not None
    }


def pdf_version(version: VersionConvention) -> bytes:
    """Le PDF de la version (le document à signer), produit une fois puis conservé.

    Si le plan a changé depuis la dernière synchronisation, la convention est d'abord
    synchronisée : on ne produit jamais un document dont l'empreinte ne serait pas la
    version affichée."""
    if version.pdf:
        return bytes(version.pdf)
    convention = version.convention
    ctx = contexte(convention.eleve.session)
    donnees = donnees_eleve(ctx, convention.eleve.identifiant)
    if donnees is None or empreinte(donnees) != version.empreinte:
        raise VersionPerimee
    pdf = rendu.convention_pdf(donnees, version.numero, version.empreinte)
    version.pdf = pdf
    version.empreinte_pdf = hashlib.sha256(pdf).hexdigest()
    version.save(update_fields=["pdf", "empreinte_pdf"])
    return pdf


class VersionPerimee(Exception):
    """Le plan a changé : la version n'est plus celle que l'on produirait aujourd'hui."""


def ics_eleve(eleve: Eleve) -> bytes | None:
    from moteur.documents import calendrier_ics

    ctx = contexte(eleve.session)
    donnees = donnees_eleve(ctx, eleve.identifiant)
    if donnees is None:
        return None
    return calendrier_ics(donnees.emploi, donnees.projet.referent_telephone)


def attestation(convention: Convention) -> bytes | None:
    ctx = contexte(convention.eleve.session)
    donnees = donnees_eleve(ctx, convention.eleve.identifiant)
    if donnees is None:
        return None
    presences = {
        p.date: p.statut == Presence.Statut.PRESENT
        for p in Presence.objects.filter(eleve=convention.eleve).order_by("date")
    }
    return rendu.attestation_pdf(
        DonneesAttestation(
            convention=donnees,
            presences=presences,
            restitution_faite=convention.restitution_faite,
            date_emission=date.today(),
        )
    )


# --- Signatures ----------------------------------------------------------------------------


def jours_validite() -> int:
    return int(getattr(settings, "CONVENTIONS_JETON_JOURS", JOURS_VALIDITE_DEFAUT))


def jeton(signature: Signature) -> str:
    return signing.TimestampSigner(salt=SEL_JETON).sign_object(
        {"s": signature.pk, "e": signature.version.empreinte}
    )


def signature_du_jeton(valeur: str) -> Signature:
    try:
        contenu = signing.TimestampSigner(salt=SEL_JETON).unsign_object(
            valeur, max_age=timedelta(days=jours_validite())
        )
    except signing.SignatureExpired as exc:
        raise JetonInvalide("Ce lien a expiré : demandez-en un nouveau.") from exc
    except signing.BadSignature as exc:
        raise JetonInvalide("Ce lien de signature n'est pas valide.") from exc
    signature = (
        Signature.objects.select_related("version__convention__eleve")
        .filter(pk=contenu.get("s"))
        .first()
    )
    if signature is None or signature.version.empreinte != contenu.get("e"):
        raise JetonInvalide("Ce lien de signature n'est pas valide.")
    if not signature.version.est_courante:
        raise JetonInvalide(
            "Cette version de la convention a été remplacée après un "
            "changement du plan : un nouveau lien vous sera envoyé."
        )
    return signature


def _statut_apres_signature(version: VersionConvention) -> str:
    if version.signatures.filter(signee_le__isnull=True).exists():
        return Convention.Statut.A_SIGNER
    return Convention.Statut.SIGNEE


@transaction.atomic
def signer(signature: Signature, nom: str, adresse_ip: str | None, navigateur: str) -> None:
    signature = Signature.objects.select_for_update().select_related("version").get(pk=signature.pk)
    if not signature.version.est_courante:
        raise JetonInvalide(
            "Cette version de la convention a été remplacée : un nouveau lien vous sera envoyé."
        )
    if signature.est_signee:
        raise JetonInvalide("Vous avez déjà signé cette version de la convention.")
    signature.signee_le = timezone.now()
    signature.signe_par = nom.strip()[:200]
    signature.adresse_ip = adresse_ip
    signature.navigateur = navigateur[:300]
    signature.empreinte_signee = signature.version.empreinte
    signature.save(
        update_fields=["signee_le", "signe_par", "adresse_ip", "navigateur", "empreinte_signee"]
    )
    convention = signature.version.convention
    convention.statut = _statut_apres_signature(signature.version)
    convention.save(update_fields=["statut", "modifie_le"])


def envoyer_liens(conventions, base_url: str) -> int:
    """Envoie (ou renvoie) son lien personnel à chaque signataire qui n'a pas encore signé
    la version courante. Renvoie le nombre de courriels envoyés."""
    envoyes = 0
    attente = (
        Signature.objects.en_attente()
        .exclude(email="")
        .filter(version__convention__in=conventions)
        .select_related("version__convention__eleve", "version__convention__projet")
        .order_by("pk")
    )
    for signature in attente:
        convention = signature.version.convention
        lien = base_url + reverse("conventions:signer", args=[jeton(signature)])
        objet = f"Convention de stage {convention.eleve.identifiant} à signer"
        corps = (
            "Bonjour,\n\n"
            f"La convention de stage collectif n° {convention.eleve.identifiant} "
            f"(projet « {convention.projet.nom if convention.projet else ''} », version "
            f"{signature.version.numero}) attend votre signature en tant que "
            f"{signature.get_role_display().lower()}.\n\n"
            f"Lien personnel, valable {jours_validite()} jours :\n{lien}\n\n"
            "Stages collectifs de seconde — Normandie"
        )
        send_mail(objet, corps, None, [signature.email])
        signature.relances += 1
        signature.derniere_relance = timezone.now()
        signature.save(update_fields=["relances", "derniere_relance"])
        envoyes += 1
    return envoyes
