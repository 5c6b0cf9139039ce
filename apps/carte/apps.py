from django.apps import AppConfig


class CarteConfig(AppConfig):
    name = "apps.carte"
    verbose_name = "Carte et tableau de bord"
