from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "apps.journal"
    verbose_name = "Journal des accès aux données personnelles"
