from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from moteur.modele import ParametresSession


class SessionArchivee(PermissionDenied):
    """Écriture refusée : la session est archivée (lecture seule). Le message, en français,
    s'affiche sur la page 403 du site."""

    def __init__(self, session: "Session") -> None:
        super().__init__(
            f"La session « {session.nom} » est archivée : elle se consulte seulement, "
            "plus rien n'y est modifiable."
        )


class SessionQuerySet(models.QuerySet):
    def active(self) -> "Session | None":
        return self.filter(est_active=True).order_by("-date_debut").first()

    def non_archivees(self) -> "SessionQuerySet":
        return self.filter(archivee_le__isnull=True)


class Session(models.Model):
    """Une session de stage (« 15 au 26 juin 2026 ») : les dates, les jours fériés et la
    distance maximale domicile → point de rendez-vous."""

    class Statut(models.TextChoices):
        PREPARATION = "preparation", "En préparation"
        VOEUX = "voeux", "Saisie des vœux"
        AFFECTATION = "affectation", "Affectation en cours"
        PUBLIEE = "publiee", "Résultats publiés"
        CLOSE = "close", "Close"

    nom = models.CharField("nom", max_length=200)
    date_debut = models.DateField("premier jour")
    date_fin = models.DateField("dernier jour")
    jours_feries = models.JSONField("jours fériés", default=list, blank=True)
    distance_max_km = models.FloatField("distance maximale (km)", default=25.0)
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.PREPARATION
    )
    est_active = models.BooleanField("session en cours", default=True)
    est_demo = models.BooleanField("données de démonstration", default=False)
    date_publication = models.DateField(
        "date annoncée des résultats",
        null=True,
        blank=True,
        help_text="Facultatif : la date que les établissements lisent avant la publication.",
    )
    precedente = models.ForeignKey(
        "self",
        verbose_name="saison précédente",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suivantes",
        help_text="La session dont celle-ci reprend les projets et les structures.",
    )
    archivee_le = models.DateTimeField(
        "archivée le",
        null=True,
        blank=True,
        help_text="Une session archivée se consulte seulement : plus aucune modification.",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session de stage"
        verbose_name_plural = "sessions de stage"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__gte=models.F("date_debut")),
                name="session_dates_ordonnees",
                violation_error_message="Le dernier jour précède le premier jour de la session.",
            ),
            models.CheckConstraint(
                condition=models.Q(distance_max_km__gt=0),
                name="session_distance_positive",
                violation_error_message="La distance maximale doit être positive.",
            ),
            models.CheckConstraint(
                condition=models.Q(archivee_le__isnull=True) | models.Q(est_active=False),
                name="session_archivee_inactive",
                violation_error_message="Une session archivée n'est pas la session en cours.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def parametres(self) -> ParametresSession:
        return ParametresSession(
            nom=self.nom,
            date_debut=self.date_debut,
            date_fin=self.date_fin,
            jours_feries=tuple(date.fromisoformat(j) for j in self.jours_feries),
            distance_max_km=self.distance_max_km,
        )

    @property
    def est_archivee(self) -> bool:
        return self.archivee_le is not None

    @property
    def est_terminee(self) -> bool:
        """Le dernier jour est passé (ou la session est close ou archivée) : on peut demander
        aux structures si elles accueilleront de nouveau."""
        return (
            self.est_archivee
            or self.statut == self.Statut.CLOSE
            or self.date_fin < timezone.localdate()
        )

    def verifier_modifiable(self) -> None:
        """À appeler par toute vue d'écriture qui vise cette session : 403 si archivée."""
        if self.est_archivee:
            raise SessionArchivee(self)

    def archiver(self) -> None:
        """Transition : la session passe en lecture seule et cesse d'être la session en
        cours. Une session archivée ne se désarchive pas."""
        self.verifier_modifiable()
        self.archivee_le = timezone.now()
        self.est_active = False
        self.save(update_fields=["archivee_le", "est_active"])

    @property
    def jours_ouvres(self) -> tuple[date, ...]:
        return self.parametres().jours_ouvres
