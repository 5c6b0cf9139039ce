"""La logique des conventions sur la plateforme : synchroniser avec le plan, produire les
documents (les signatures sont dans `apps.conventions.signatures`).

Les données des documents viennent de `moteur.documents` (comme pour la ligne de commande) ;
la base ne fait que les conserver (versions, empreintes, preuves de signature).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.campagnes.models import Session
from apps.conventions import rendu
from apps.conventions.models import Convention, Presence, Signature, VersionConvention
from apps.etablissements.models import Eleve
from apps.mobilite.services import horaires
from apps.planification.lecture_moteur import plan_moteur, session_moteur
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
    # Élèves placés dont la convention attend un courriel de signataire (établissement ou
    # porteur) : elle sera créée à la synchronisation suivante.
    en_attente: int = 0


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


def synchroniser_eleve(
    ctx: Contexte, eleve: Eleve, bilan: BilanSynchro, incomplets: Incomplets | None = None
) -> None:
    donnees = donnees_eleve(ctx, eleve.identifiant)
    # Verrou : une signature en cours sur cette convention attend la fin de la synchro.
    convention = Convention.objects.select_for_update().filter(eleve=eleve).first()
    if donnees is None:
        if convention is not None and convention.statut != Convention.Statut.ANNULEE:
            convention.annuler()
            bilan.annulees += 1
        return
    projet = Projet.objects.get(session=eleve.session, identifiant=donnees.projet.id)
    if convention is None and incomplets is not None and incomplets.bloque(eleve, projet):
        bilan.en_attente += 1
        return
    if convention is None:
        convention = Convention.objects.create(eleve=eleve, projet=projet)
        _nouvelle_version(convention, donnees, None)
        bilan.creees += 1
        return
    courante = convention.version_courante()
    if courante is not None and courante.empreinte == empreinte(donnees):
        bilan.inchangees += 1
        if convention.statut == Convention.Statut.ANNULEE:
            convention.retablir(courante)
        return
    _nouvelle_version(convention, donnees, courante)
    convention.projet = projet
    convention.save(update_fields=["projet", "modifie_le"])
    convention.apres_nouvelle_version(courante)
    bilan.nouvelles_versions += 1


@dataclass(frozen=True, slots=True)
class Incomplets:
    """Les établissements (pk) et porteurs (pk) dont un courriel de signataire manque."""

    etablissements: frozenset[int]
    porteurs: frozenset[int]

    @classmethod
    def de(cls, session: Session) -> Incomplets:
        from apps.etablissements.models import Etablissement
        from apps.projets.models import Porteur

        return cls(
            frozenset(Etablissement.objects.filter(email="").values_list("pk", flat=True)),
            frozenset(Porteur.objects.filter(email="").values_list("pk", flat=True)),
        )

    def bloque(self, eleve: Eleve, projet: Projet) -> bool:
        return eleve.etablissement_id in self.etablissements or projet.porteur_id in self.porteurs


@transaction.atomic
def synchroniser(session: Session, sauf_sans_courriel: bool = False) -> BilanSynchro:
    """Crée les conventions des élèves placés ; une nouvelle version pour chaque convention
    dont le contenu a changé ; annule celles des élèves qui ne sont plus placés.
    `sauf_sans_courriel` : ne pas créer celles dont l'établissement ou le porteur n'a pas
    encore de courriel de signataire (comptées dans `en_attente`)."""
    incomplets = Incomplets.de(session) if sauf_sans_courriel else None
    ctx = contexte(session)
    bilan = BilanSynchro()
    places = set(eleves_places(ctx.donnees, ctx.plan))
    eleves = Eleve.objects.filter(session=session).filter(
        identifiant__in=places
    ) | Eleve.objects.filter(session=session, convention__isnull=False)
    for eleve in eleves.distinct().order_by("ordre", "pk"):
        synchroniser_eleve(ctx, eleve, bilan, incomplets)
    journal.info("Conventions synchronisées : %s", bilan)
    return bilan


# --- Documents -----------------------------------------------------------------------------


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
    html = rendu.convention_html(donnees, version.numero, version.empreinte)
    pdf = rendu.html_en_pdf(html)
    version.html = html
    version.pdf = pdf
    version.empreinte_pdf = hashlib.sha256(pdf).hexdigest()
    version.save(update_fields=["html", "pdf", "empreinte_pdf"])
    return pdf


def pdf_signe(version: VersionConvention) -> bytes:
    """Le PDF de la version suivi d'une page de signatures (qui, rôle, quand, référence de
    la preuve) : les pages de la convention sont rendues depuis le HTML conservé, celui
    dont le PDF signé a l'empreinte `version.empreinte_pdf`."""
    original = pdf_version(version)
    signatures = list(version.signatures.order_by("ordre"))
    if not any(s.est_signee for s in signatures) or not version.html:
        return original
    page = rendu.rendre(
        "conventions/pdf/signatures.html",
        {"version": version, "convention": version.convention, "signatures": signatures},
    )
    return rendu.pdf_concatene([version.html, page])


class VersionPerimee(Exception):
    """Le plan a changé : la version n'est plus celle que l'on produirait aujourd'hui."""


def ics_eleve(eleve: Eleve) -> bytes | None:
    """Le .ics de l'élève ; avec le flux GTFS de la session, le trajet conseillé de chaque
    jour vers la structure (`moteur.documents.trajets`, indicatif, hors convention signée)."""
    from moteur.documents import calendrier_ics, trajets_de_l_eleve

    ctx = contexte(eleve.session)
    donnees = donnees_eleve(ctx, eleve.identifiant)
    if donnees is None:
        return None
    trajets = {}
    if ctx.donnees.parametres.transport is not None and (h := horaires(eleve.session)):
        trajets = trajets_de_l_eleve(ctx.donnees, donnees.emploi, h.reseau)
    return calendrier_ics(donnees.emploi, donnees.projet.referent_telephone, trajets)


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
