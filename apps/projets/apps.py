from django.apps import AppConfig


class ProjetsConfig(AppConfig):
    name = "apps.projets"
    verbose_name = "Projets de stage collectif"
