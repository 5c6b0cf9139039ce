from django.apps import AppConfig


class ConseilConfig(AppConfig):
    name = "apps.conseil"
    verbose_name = "Où recruter ? (conseiller de recrutement)"
