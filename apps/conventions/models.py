"""Conventions de stage, leurs versions signées, et le suivi (présences, incidents).

Une convention par élève placé. Chaque changement du plan qui la touche crée une nouvelle
version (numéro + empreinte SHA-256 du contenu canonique) ; les signatures d'une version
remplacée restent archivées avec elle.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class TransitionInterdite(Exception):
    """Changement de statut refusé ; le message est affichable tel quel."""


class ConventionQuerySet(models.QuerySet):
    def visibles_par(self, utilisateur):
        if utilisateur.est_coordinateur:
            return self
        return self.filter(
            Q(eleve__etablissement__gestionnaires=utilisateur)
            | Q(projet__porteur__gestionnaires=utilisateur)
        ).distinct()

    def de_la_session(self, session):
        return self.filter(eleve__session=session)


class Convention(models.Model):
    """La convention d'un élève placé. Son statut ne change que par les transitions
    nommées ci-dessous (`apres_nouvelle_version`, `apres_signature`, `annuler`,
    `retablir`), appelées par les services ; aucune vue ne pose un statut à la main."""

    class Statut(models.TextChoices):
        A_SIGNER = "a_signer", "À signer"
        A_RESIGNER = "a_resigner", "À re-signer (le plan a changé après signature)"
        SIGNEE = "signee", "Signée"
        ANNULEE = "annulee", "Annulée (élève plus placé)"

    eleve = models.OneToOneField(
        "etablissements.Eleve",
        verbose_name="élève",
        on_delete=models.CASCADE,
        related_name="convention",
    )
    projet = models.ForeignKey(
        "projets.Projet",
        verbose_name="projet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conventions",
    )
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.A_SIGNER
    )
    restitution_faite = models.BooleanField("restitution faite", default=False)
    restitution_le = models.DateField("restitution faite le", null=True, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        ordering = ["eleve__etablissement__nom", "eleve__identifiant"]

    def __str__(self) -> str:
        # L'identifiant pseudonyme de l'élève : ni nom, ni clé de base de données.
        return f"Convention {self.eleve.identifiant}"

    def version_courante(self) -> VersionConvention | None:
        return self.versions.order_by("-numero").first()

    # --- Transitions ------------------------------------------------------------------

    def _poser(self, statut: str) -> None:
        self.statut = statut
        self.save(update_fields=["statut", "modifie_le"])

    def apres_nouvelle_version(self, precedente: VersionConvention | None) -> None:
        """Une nouvelle version remplace `precedente` : à re-signer si une partie au moins
        avait signé la précédente (elle doit signer de nouveau), sinon à signer."""
        deja_signee = (
            precedente is not None
            and precedente.signatures.filter(signee_le__isnull=False).exists()
        )
        self._poser(self.Statut.A_RESIGNER if deja_signee else self.Statut.A_SIGNER)

    def apres_signature(self, version: VersionConvention) -> None:
        """Une partie vient de signer `version` : signée quand plus personne n'attend."""
        if self.statut == self.Statut.ANNULEE or not version.est_courante:
            raise TransitionInterdite("Cette convention ne peut plus être signée.")
        if not version.signatures.filter(signee_le__isnull=True).exists():
            self._poser(self.Statut.SIGNEE)

    def annuler(self) -> None:
        """L'élève n'est plus placé."""
        self._poser(self.Statut.ANNULEE)

    def retablir(self, version: VersionConvention) -> None:
        """L'élève est de nouveau placé, avec le même contenu : le statut d'avant."""
        if self.statut != self.Statut.ANNULEE:
            raise TransitionInterdite("Seule une convention annulée peut être rétablie.")
        if not version.signatures.filter(signee_le__isnull=True).exists():
            self._poser(self.Statut.SIGNEE)
        elif version.numero > 1:
            self._poser(self.Statut.A_RESIGNER)
        else:
            self._poser(self.Statut.A_SIGNER)


class VersionConvention(models.Model):
    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="versions"
    )
    numero = models.PositiveIntegerField("numéro de version")
    empreinte = models.CharField("empreinte SHA-256 du contenu", max_length=64)
    contenu = models.TextField("contenu canonique (JSON)")
    pdf = models.BinaryField("PDF", null=True, blank=True, editable=False)
    html = models.TextField("source HTML du PDF", blank=True, editable=False)
    empreinte_pdf = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    remplacee_le = models.DateTimeField("remplacée le", null=True, blank=True)

    class Meta:
        verbose_name = "version de convention"
        verbose_name_plural = "versions de convention"
        ordering = ["convention", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "numero"],
                name="version_convention_unique",
                violation_error_message="Ce numéro de version existe déjà.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.convention} v{self.numero}"

    @property
    def est_courante(self) -> bool:
        return self.remplacee_le is None

    @property
    def empreinte_courte(self) -> str:
        return self.empreinte[:12]


def _secret() -> str:
    return secrets.token_urlsafe(24)


class SignatureQuerySet(models.QuerySet):
    def en_attente(self):
        return self.filter(signee_le__isnull=True, version__remplacee_le__isnull=True)


class Signature(models.Model):
    """Une partie qui doit signer une version, puis la preuve de sa signature."""

    class Role(models.TextChoices):
        ETABLISSEMENT = "etablissement", "Établissement (chef d'établissement)"
        PORTEUR = "porteur", "Porteur du projet"
        STRUCTURE = "structure", "Structure d'accueil"
        REPRESENTANT_LEGAL = "representant_legal", "Représentant légal"

    class Mode(models.TextChoices):
        LIEN = "lien", "Lien personnel reçu par courriel"
        ESPACE = "espace", "Depuis l'espace connecté"
        HORS_PLATEFORME = "hors_plateforme", "Signé hors plateforme (scan)"

    version = models.ForeignKey(
        VersionConvention,
        verbose_name="version",
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    cle = models.CharField("partie", max_length=100)
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    organisme = models.CharField("organisme", max_length=200, blank=True)
    signataire_prevu = models.CharField("signataire prévu", max_length=200, blank=True)
    email = models.EmailField("courriel", blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    # Secret propre à la signature, mis dans le jeton du lien : sans la base, connaître
    # SECRET_KEY et les empreintes ne suffit pas à fabriquer un lien.
    secret = models.CharField("secret du lien", max_length=64, default=_secret, editable=False)
    # Preuve
    signee_le = models.DateTimeField("signée le", null=True, blank=True)
    signe_par = models.CharField("nom saisi par le signataire", max_length=200, blank=True)
    adresse_ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    navigateur = models.CharField("navigateur", max_length=300, blank=True)
    empreinte_signee = models.CharField("empreinte signée", max_length=64, blank=True)
    empreinte_pdf = models.CharField("empreinte SHA-256 du PDF signé", max_length=64, blank=True)
    reference = models.CharField("référence de la preuve", max_length=40, blank=True)
    mode = models.CharField("mode de signature", max_length=20, choices=Mode.choices, blank=True)
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte du signataire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scan = models.BinaryField("scan de la convention signée", null=True, blank=True, editable=False)
    scan_type = models.CharField("type du scan", max_length=40, blank=True)
    # Relances
    relances = models.PositiveSmallIntegerField("courriels envoyés", default=0)
    derniere_relance = models.DateTimeField("dernier courriel", null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = "signature"
        ordering = ["version", "ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "cle"],
                name="signature_partie_unique",
                violation_error_message="Cette partie signe déjà cette version.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} — {self.cle}"

    @property
    def est_signee(self) -> bool:
        return self.signee_le is not None


class Presence(models.Model):
    class Statut(models.TextChoices):
        PRESENT = "present", "Présent"
        ABSENT = "absent", "Absent"
        EXCUSE = "excuse", "Absent excusé"

    eleve = models.ForeignKey(
        "etablissements.Eleve",
        verbose_name="élève",
        on_delete=models.CASCADE,
        related_name="presences",
    )
    date = models.DateField("date")
    structure = models.ForeignKey(
        "structures.StructureAccueil",
        verbose_name="structure",
        on_delete=models.CASCADE,
        related_name="presences",
    )
    statut = models.CharField("présence", max_length=10, choices=Statut.choices)
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisie par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "présence"
        ordering = ["date", "eleve"]
        constraints = [
            models.UniqueConstraint(
                fields=["eleve", "date"],
                name="presence_unique_par_jour",
                violation_error_message="Présence déjà saisie ce jour-là.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.eleve.identifiant} le {self.date:%d/%m} : {self.get_statut_display()}"


class Incident(models.Model):
    eleve = models.ForeignKey(
        "etablissements.Eleve",
        verbose_name="élève",
        on_delete=models.CASCADE,
        related_name="incidents",
    )
    date = models.DateField("date")
    structure = models.ForeignKey(
        "structures.StructureAccueil",
        verbose_name="structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    note = models.TextField("note")
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="signalé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("signalé le", auto_now_add=True)

    class Meta:
        verbose_name = "incident"
        ordering = ["-date", "-cree_le"]

    def __str__(self) -> str:
        return f"Incident {self.eleve.identifiant} le {self.date:%d/%m}"
