from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    name = "apps.territoires"
    verbose_name = "Territoires"
