from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CampagnesConfig(AppConfig):
    name = "apps.campagnes"
    verbose_name = "Sessions de stage"

    def ready(self) -> None:
        # Les modules `reconduction` des apps se branchent sur le signal `saison_suivante`
        # (apps/campagnes/saison.py) : les sessions n'importent aucune autre app.
        autodiscover_modules("reconduction")
