from django.apps import AppConfig


class DonneesPersonnellesConfig(AppConfig):
    name = "apps.donnees_personnelles"
    verbose_name = "Données personnelles (RGPD)"
