from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "apps.structures"
    verbose_name = "Structures d'accueil"
