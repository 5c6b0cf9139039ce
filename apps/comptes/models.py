from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    COORDINATEUR = "coordinateur", "Coordination régionale (agence)"
    PORTEUR = "porteur", "Porteur de projet"
    STRUCTURE = "structure", "Structure d'accueil"
    ETABLISSEMENT = "etablissement", "Établissement scolaire"


class Utilisateur(AbstractUser):
    """Un compte. Le rôle dit quel espace il voit ; l'accès à chaque objet passe par les
    gestionnaires déclarés sur l'objet (porteur, structure, établissement)."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    @property
    def est_coordinateur(self) -> bool:
        return self.is_superuser or self.role == Role.COORDINATEUR
