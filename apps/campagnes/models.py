from datetime import date

from django.db import models

from moteur.modele import ParametresSession


class SessionQuerySet(models.QuerySet):
    def active(self) -> "Session | None":
        return self.filter(est_active=True).order_by("-date_debut").first()


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
    def jours_ouvres(self) -> tuple[date, ...]:
        return self.parametres().jours_ouvres
