from django.db import models


class Voeu(models.Model):
    """Un vœu d'élève : un projet et son rang (1 = le plus voulu)."""

    eleve = models.ForeignKey(
        "etablissements.Eleve",
        verbose_name="élève",
        on_delete=models.CASCADE,
        related_name="voeux",
    )
    projet = models.ForeignKey(
        "projets.Projet", verbose_name="projet", on_delete=models.CASCADE, related_name="voeux"
    )
    rang = models.PositiveSmallIntegerField("rang")

    class Meta:
        verbose_name = "vœu"
        ordering = ["eleve", "rang"]
        constraints = [
            models.UniqueConstraint(
                fields=["eleve", "rang"],
                name="voeu_rang_unique",
                violation_error_message="Cet élève a déjà un vœu à ce rang.",
            ),
            models.UniqueConstraint(
                fields=["eleve", "projet"],
                name="voeu_projet_unique",
                violation_error_message="Cet élève a déjà demandé ce projet.",
            ),
            models.CheckConstraint(
                condition=models.Q(rang__gte=1),
                name="voeu_rang_positif",
                violation_error_message="Le rang d'un vœu commence à 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.eleve_id} → {self.projet_id} (rang {self.rang})"


class Affectation(models.Model):
    """Le résultat de l'affectation pour un élève : un projet de ses vœux, ou aucun."""

    eleve = models.OneToOneField(
        "etablissements.Eleve",
        verbose_name="élève",
        on_delete=models.CASCADE,
        related_name="affectation",
    )
    projet = models.ForeignKey(
        "projets.Projet",
        verbose_name="projet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affectations",
    )
    rang = models.PositiveSmallIntegerField("rang du vœu", null=True, blank=True)
    groupe = models.ForeignKey(
        "projets.Groupe",
        verbose_name="groupe",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="affectations",
    )
    raison = models.TextField("raison (si non placé)", blank=True)
    publiee = models.BooleanField("publiée", default=False)

    class Meta:
        verbose_name = "affectation"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(projet__isnull=True) & models.Q(rang__isnull=True))
                | (models.Q(projet__isnull=False) & models.Q(rang__gte=1)),
                name="affectation_rang_si_placee",
                violation_error_message=(
                    "Un élève placé a un rang de vœu ; un non placé n'en a pas."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.eleve_id} → {self.projet_id or 'non placé'}"


class Travail(models.Model):
    """Un calcul long (affectation, programmes) lancé en tâche de fond, avec sa progression."""

    class Type(models.TextChoices):
        AFFECTATION = "affectation", "Affectation des élèves"
        PROGRAMMES = "programmes", "Programmes (rotations)"
        IMPORT = "import", "Import d'un dossier de session"

    class Etat(models.TextChoices):
        EN_ATTENTE = "attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ECHEC = "echec", "Échec"

    session = models.ForeignKey(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="travaux",
    )
    type = models.CharField("type", max_length=20, choices=Type.choices)
    etat = models.CharField("état", max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    progression = models.FloatField("progression (0 à 1)", default=0.0)
    message = models.TextField("message", blank=True)
    rapport = models.TextField("rapport", blank=True)
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "travail de fond"
        verbose_name_plural = "travaux de fond"
        ordering = ["-cree_le"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progression__gte=0) & models.Q(progression__lte=1),
                name="travail_progression_bornee",
                violation_error_message="La progression est comprise entre 0 et 1.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_etat_display()})"
