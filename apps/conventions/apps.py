from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "apps.conventions"
    verbose_name = "Conventions"
