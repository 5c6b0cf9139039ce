"""Le flux GTFS d'une session : le fichier (rangé par empreinte), sa couverture, et les
paramètres des calculs (jour des horaires, heure d'arrivée, durée maximale)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from moteur.transport.parametres import DUREE_MAX_MIN_LIMITE, ParametresTransport


def dossier_des_flux() -> Path:
    """Où sont rangés les zip : MOBILITE_DOSSIER_GTFS, sinon MEDIA_ROOT/gtfs (jamais servi)."""
    return Path(getattr(settings, "MOBILITE_DOSSIER_GTFS", Path(settings.MEDIA_ROOT) / "gtfs"))


class FluxTransport(models.Model):
    session = models.OneToOneField(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="flux_transport",
    )
    nom_fichier = models.CharField("fichier téléversé", max_length=200)
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    taille = models.PositiveBigIntegerField("taille (octets)")
    nb_arrets = models.PositiveIntegerField("arrêts")
    nb_lignes = models.PositiveIntegerField("lignes")
    debut_service = models.DateField("premier jour de service")
    fin_service = models.DateField("dernier jour de service")
    jour_calcul = models.DateField(
        "jour des horaires",
        null=True,
        blank=True,
        help_text="Vide : le premier jour ouvré de la session couvert par le flux.",
    )
    duree_max_min = models.PositiveSmallIntegerField(
        "durée maximale du trajet (min)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(DUREE_MAX_MIN_LIMITE)],
    )
    arrivee = models.TimeField("arrivée au point de rendez-vous", default=time(9, 0))
    televerse_le = models.DateTimeField("téléversé le", auto_now=True)
    televerse_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="téléversé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "flux GTFS"
        verbose_name_plural = "flux GTFS"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duree_max_min__gte=1)
                & models.Q(duree_max_min__lte=DUREE_MAX_MIN_LIMITE),
                name="flux_duree_max_bornee",
                violation_error_message="La durée maximale va de 1 à 1 440 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom_fichier} ({self.session})"

    @property
    def chemin(self) -> Path:
        return dossier_des_flux() / f"{self.empreinte}.zip"

    @property
    def jour_utilise(self) -> date:
        return self.jour_calcul or premier_jour_couvert(
            self.session.jours_ouvres, self.debut_service, self.fin_service
        )

    def parametres(self) -> ParametresTransport:
        """Les paramètres du moteur (moteur.transport.parametres) pour cette session."""
        return ParametresTransport(
            self.chemin, self.nom_fichier, self.duree_max_min, self.arrivee, self.jour_utilise
        )


def premier_jour_couvert(jours: tuple[date, ...], debut: date, fin: date) -> date:
    """Le premier jour ouvré de la session dans la période du flux (à défaut, le premier
    jour ouvré : le moteur dira alors qu'il est hors période)."""
    return next((j for j in jours if debut <= j <= fin), jours[0] if jours else debut)
