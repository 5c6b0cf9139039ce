from django.apps import AppConfig


class MobiliteConfig(AppConfig):
    name = "apps.mobilite"
    verbose_name = "Mobilité (horaires de transport en commun)"
