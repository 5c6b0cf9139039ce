from django.apps import AppConfig


class EtablissementsConfig(AppConfig):
    name = "apps.etablissements"
    verbose_name = "Établissements et élèves"
