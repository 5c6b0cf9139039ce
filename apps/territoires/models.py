from django.db import models

from moteur.referentiel import SEUIL_RURAL


class Departement(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    contour = models.TextField("contour (GeoJSON simplifié)", blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Epci(models.Model):
    code = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=10, blank=True)  # CC, CA, CU, METRO
    contour = models.TextField("contour (GeoJSON simplifié)", blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class CommuneQuerySet(models.QuerySet):
    def normandes(self):
        from moteur.referentiel import CODES_NORMANDIE

        return self.filter(departement_id__in=CODES_NORMANDIE)


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(
        Epci,
        verbose_name="EPCI",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
    )
    population = models.PositiveIntegerField("population municipale", default=0)
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    contour = models.TextField("contour (GeoJSON simplifié)", blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="commune_coordonnees_valides",
                violation_error_message="Les coordonnées de la commune sont hors limites.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"

    @property
    def rurale(self) -> bool:
        return self.population < SEUIL_RURAL
