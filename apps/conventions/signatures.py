"""Signer une convention et en garder la preuve.

Trois chemins, une seule fonction `signer` :
- le lien personnel reçu par courriel (représentants légaux, structures, ou toute partie) ;
- l'espace connecté du chef d'établissement ou du porteur (une par une ou par lot) ;
- « signé hors plateforme » : une partie signe sur papier, son scan est téléversé.

Le PDF est rendu et son empreinte SHA-256 enregistrée AVANT que le signataire voie le
formulaire (`preparer`) ; le formulaire renvoie cette empreinte et `signer` refuse si ce
n'est plus celle de la version. La preuve garde l'empreinte, l'heure, le rôle, l'identité
déclarée (et le compte s'il y en a un), l'adresse IP du client et le navigateur.

Concurrence : `signer` verrouille la convention (select_for_update) avant de lire les
autres signatures ; deux parties qui signent au même instant passent l'une après l'autre
et la seconde voit la première, donc la convention finit « signée ».
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from apps.conventions import services
from apps.conventions.fichiers import nom_sur
from apps.conventions.models import Convention, Signature, TransitionInterdite

journal = logging.getLogger(__name__)

SEL_JETON = "conventions.signature"
JOURS_VALIDITE_DEFAUT = 30
TAILLE_MAX_SCAN = 5 * 1024 * 1024
SIGNATURES_SCAN = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


class SignatureRefusee(Exception):
    """Signature impossible ; le message est affichable tel quel."""


class JetonInvalide(SignatureRefusee):
    """Lien de signature inconnu, altéré, expiré ou périmé (version remplacée)."""


@dataclass(frozen=True, slots=True)
class Preuve:
    """Ce que le signataire a vu et qui il est, tel que la requête le dit."""

    nom: str
    empreinte_pdf_vue: str
    adresse_ip: str | None
    navigateur: str
    mode: str = Signature.Mode.LIEN
    utilisateur: Any = None


# --- Jetons ----------------------------------------------------------------------------------


def jours_validite() -> int:
    return int(getattr(settings, "CONVENTIONS_JETON_JOURS", JOURS_VALIDITE_DEFAUT))


def jeton(signature: Signature) -> str:
    """Le lien personnel : signé avec SECRET_KEY et porteur du secret propre à la
    signature, de sa version et de l'empreinte de son contenu."""
    return signing.TimestampSigner(salt=SEL_JETON).sign_object(
        {
            "s": signature.pk,
            "v": signature.version_id,
            "e": signature.version.empreinte,
            "k": signature.secret,
        }
    )


def signature_du_jeton(valeur: str) -> Signature:
    try:
        contenu = signing.TimestampSigner(salt=SEL_JETON).unsign_object(
            valeur, max_age=timedelta(days=jours_validite())
        )
    except signing.SignatureExpired as exc:
        raise JetonInvalide("Ce lien a expiré : demandez-en un nouveau.") from exc
    except (signing.BadSignature, ValueError) as exc:
        raise JetonInvalide("Ce lien de signature n'est pas valide.") from exc
    if not isinstance(contenu, dict) or not isinstance(contenu.get("s"), int):
        raise JetonInvalide("Ce lien de signature n'est pas valide.")
    signature = (
        Signature.objects.select_related("version__convention__eleve")
        .filter(pk=contenu["s"])
        .first()
    )
    if (
        signature is None
        or signature.version_id != contenu.get("v")
        or signature.version.empreinte != contenu.get("e")
        or not constant_time_compare(signature.secret, str(contenu.get("k", "")))
    ):
        raise JetonInvalide("Ce lien de signature n'est pas valide.")
    if not signature.version.est_courante:
        raise JetonInvalide(
            "Cette version de la convention a été remplacée après un "
            "changement du plan : un nouveau lien vous sera envoyé."
        )
    return signature


# --- Signer ----------------------------------------------------------------------------------


def preparer(signature: Signature) -> str:
    """Rend le PDF de la version s'il ne l'est pas encore et renvoie son empreinte : à
    appeler avant d'afficher le formulaire de signature."""
    services.pdf_version(signature.version)
    return signature.version.empreinte_pdf


def _reference(signature: Signature) -> str:
    """« PRV-E042-v2-P3-9F3A1C » : élève (identifiant pseudonyme), version, rang de la
    partie dans la convention, aléa. Aucun identifiant de base de données."""
    eleve = nom_sur(signature.version.convention.eleve.identifiant)[:16]
    return (
        f"PRV-{eleve}-v{signature.version.numero}-P{signature.ordre + 1}-"
        f"{secrets.token_hex(3).upper()}"
    )[:40]


@transaction.atomic
def signer(signature: Signature, preuve: Preuve) -> Signature:
    """Enregistre la signature et sa preuve ; la convention devient « signée » quand la
    dernière partie signe."""
    convention = Convention.objects.select_for_update().get(pk=signature.version.convention_id)
    signature = (
        Signature.objects.select_for_update()
        .select_related("version__convention__eleve")
        .get(pk=signature.pk)
    )
    version = signature.version
    if not version.est_courante or convention.statut == Convention.Statut.ANNULEE:
        raise JetonInvalide(
            "Cette version de la convention a été remplacée : un nouveau lien vous sera envoyé."
        )
    if signature.est_signee:
        raise SignatureRefusee("Cette partie a déjà signé cette version de la convention.")
    if not version.empreinte_pdf or not constant_time_compare(
        preuve.empreinte_pdf_vue, version.empreinte_pdf
    ):
        raise SignatureRefusee(
            "Le document affiché n'est plus celui de cette version : rechargez la page et "
            "relisez la convention avant de signer."
        )
    nom = preuve.nom.strip()[:200]
    if not nom:
        raise SignatureRefusee("Indiquez le nom du signataire.")
    signature.signee_le = timezone.now()
    signature.signe_par = nom
    signature.adresse_ip = preuve.adresse_ip
    signature.navigateur = preuve.navigateur[:300]
    signature.empreinte_signee = version.empreinte
    signature.empreinte_pdf = version.empreinte_pdf
    signature.mode = preuve.mode
    signature.utilisateur = preuve.utilisateur
    signature.reference = _reference(signature)
    signature.save()
    try:
        convention.apres_signature(version)
    except TransitionInterdite as exc:
        raise SignatureRefusee(str(exc)) from exc
    return signature


def lire_scan(fichier: UploadedFile) -> tuple[bytes, str]:
    """Le contenu et le type d'un scan téléversé : PDF, JPEG ou PNG, 5 Mo au plus."""
    nom = fichier.name or "scan"
    if fichier.size is not None and fichier.size > TAILLE_MAX_SCAN:
        raise SignatureRefusee(
            f"Le fichier « {nom} » est trop lourd ({fichier.size // 1024} Ko) : 5 Mo au plus."
        )
    contenu = fichier.read(TAILLE_MAX_SCAN + 1)
    if len(contenu) > TAILLE_MAX_SCAN:
        raise SignatureRefusee(f"Le fichier « {nom} » est trop lourd : 5 Mo au plus.")
    for entete, type_mime in SIGNATURES_SCAN.items():
        if contenu.startswith(entete):
            return contenu, type_mime
    raise SignatureRefusee(
        f"Le fichier « {nom} » n'est ni un PDF, ni une image JPEG ou PNG : "
        "téléversez le scan de la convention signée."
    )


@transaction.atomic
def signer_hors_plateforme(
    signature: Signature, nom: str, fichier: UploadedFile, preuve_requete: Preuve
) -> Signature:
    """La partie a signé la version courante sur papier : le scan fait foi."""
    contenu, type_mime = lire_scan(fichier)
    signature = signer(
        signature,
        Preuve(
            nom=nom,
            empreinte_pdf_vue=preuve_requete.empreinte_pdf_vue,
            adresse_ip=preuve_requete.adresse_ip,
            navigateur=preuve_requete.navigateur,
            mode=Signature.Mode.HORS_PLATEFORME,
            utilisateur=preuve_requete.utilisateur,
        ),
    )
    signature.scan = contenu
    signature.scan_type = type_mime
    signature.save(update_fields=["scan", "scan_type"])
    return signature


# --- Qui signe quoi depuis son espace -------------------------------------------------------


def a_signer_par(utilisateur: Any, *, archivees: bool = False) -> QuerySet[Signature]:
    """Les signatures en attente que ce compte donne lui-même : celle du chef
    d'établissement pour les établissements qu'il gère, celle du porteur pour les projets
    dont il gère le porteur (la coordination n'est partie d'aucune convention). Celles
    des sessions archivées (plus rien n'y est modifiable) seulement si `archivees`."""
    uais = list(utilisateur.etablissements.values_list("uai", flat=True))
    filtre = Q(role=Signature.Role.PORTEUR) & Q(
        version__convention__projet__porteur__gestionnaires=utilisateur
    )
    if uais:
        filtre |= Q(role=Signature.Role.ETABLISSEMENT, cle__in=[f"etablissement:{u}" for u in uais])
    attente = Signature.objects.en_attente()
    if not archivees:
        attente = attente.filter(version__convention__eleve__session__archivee_le__isnull=True)
    return (
        attente.filter(filtre)
        .exclude(version__convention__statut=Convention.Statut.ANNULEE)
        .select_related("version__convention__eleve__etablissement", "version__convention__projet")
        .distinct()
        .order_by(
            "version__convention__eleve__etablissement__nom",
            "version__convention__eleve__identifiant",
        )
    )


def peut_noter_hors_plateforme(utilisateur: Any, signature: Signature) -> bool:
    """Coordination : toute partie ; établissement : le chef et les représentants légaux
    de ses élèves ; porteur : lui-même et les structures de ses projets."""
    if utilisateur.est_coordinateur:
        return True
    convention = signature.version.convention
    if signature.role in (Signature.Role.ETABLISSEMENT, Signature.Role.REPRESENTANT_LEGAL):
        return convention.eleve.etablissement.gestionnaires.filter(pk=utilisateur.pk).exists()
    porteur = convention.projet.porteur if convention.projet else None
    return porteur is not None and porteur.gestionnaires.filter(pk=utilisateur.pk).exists()


# --- Relances --------------------------------------------------------------------------------

DELAI_RELANCE_MINUTES_DEFAUT = 60


def delai_relance() -> timedelta:
    """Anti-rafale : une partie ne reçoit pas deux courriels dans ce délai (une heure par
    défaut, réglage `CONVENTIONS_RELANCE_MINUTES`)."""
    return timedelta(
        minutes=int(getattr(settings, "CONVENTIONS_RELANCE_MINUTES", DELAI_RELANCE_MINUTES_DEFAUT))
    )


@dataclass(slots=True)
class BilanRelance:
    envoyes: int = 0
    recentes: int = 0  # parties déjà relancées dans le délai : rien ne part
    sans_courriel: int = 0
    echecs: int = 0

    @property
    def message(self) -> str:
        morceaux = [f"{self.envoyes} courriel(s) envoyé(s) aux signataires en attente."]
        if self.recentes:
            minutes = int(delai_relance().total_seconds() // 60)
            morceaux.append(
                f"{self.recentes} partie(s) déjà relancée(s) il y a moins de {minutes} minutes : "
                "pas de second courriel pour l'instant."
            )
        if self.sans_courriel:
            morceaux.append(
                f"{self.sans_courriel} partie(s) sans courriel : faites-les signer depuis leur "
                "espace ou notez leur signature papier (« signé hors plateforme »)."
            )
        if self.echecs:
            morceaux.append(
                f"{self.echecs} courriel(s) non parti(s) (serveur de courriel injoignable) : "
                "réessayez plus tard."
            )
        return " ".join(morceaux)


def _courriel(signature: Signature, lien: str) -> tuple[str, str]:
    convention = signature.version.convention
    projet = convention.projet
    nom_projet = f"{projet.nom} ({projet.code})" if projet and projet.code else ""
    objet = f"Convention de stage {convention.eleve.identifiant} à signer"
    corps = (
        "Bonjour,\n\n"
        f"La convention de stage collectif n° {convention.eleve.identifiant} "
        f"(projet « {nom_projet or (projet.nom if projet else '')} », version "
        f"{signature.version.numero}) attend votre signature en tant que "
        f"{signature.get_role_display().lower()}.\n\n"
        f"Lien personnel, valable {jours_validite()} jours :\n{lien}\n\n"
        "Stages collectifs de seconde — Normandie"
    )
    return objet, corps


def _reserver(signature: Signature) -> bool:
    """Note la relance si la précédente date de plus que le délai d'anti-rafale. Mise à
    jour conditionnelle : deux relances simultanées ne réservent pas deux fois."""
    limite = timezone.now() - delai_relance()
    return bool(
        Signature.objects.filter(pk=signature.pk)
        .filter(Q(derniere_relance__isnull=True) | Q(derniere_relance__lte=limite))
        .update(relances=F("relances") + 1, derniere_relance=timezone.now())
    )


def envoyer_liens(conventions: QuerySet[Convention], base_url: str) -> BilanRelance:
    """Envoie (ou renvoie) son lien personnel à chaque partie qui n'a pas encore signé la
    version courante, au plus une fois par délai d'anti-rafale."""
    bilan = BilanRelance()
    attente = (
        Signature.objects.en_attente()
        .exclude(version__convention__statut=Convention.Statut.ANNULEE)
        .filter(version__convention__in=conventions)
        .select_related("version__convention__eleve", "version__convention__projet")
        .order_by("pk")
    )
    for signature in attente:
        if not signature.email:
            bilan.sans_courriel += 1
            continue
        if not _reserver(signature):
            bilan.recentes += 1
            continue
        lien = base_url + reverse("conventions:signer", args=[jeton(signature)])
        objet, corps = _courriel(signature, lien)
        try:
            send_mail(objet, corps, None, [signature.email])
        except OSError:  # smtplib.SMTPException en hérite
            journal.warning("Relance non envoyée (serveur de courriel injoignable).")
            Signature.objects.filter(pk=signature.pk).update(
                relances=F("relances") - 1, derniere_relance=signature.derniere_relance
            )
            bilan.echecs += 1
            continue
        bilan.envoyes += 1
    return bilan
