from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "apps.comptes"
    verbose_name = "Comptes et rôles"
