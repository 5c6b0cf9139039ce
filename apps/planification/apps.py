from django.apps import AppConfig


class PlanificationConfig(AppConfig):
    name = "apps.planification"
    verbose_name = "Planification"
