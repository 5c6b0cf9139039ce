from django.apps import AppConfig


class CampagnesConfig(AppConfig):
    name = "apps.campagnes"
    verbose_name = "Sessions de stage"
