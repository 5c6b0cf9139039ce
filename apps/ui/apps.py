from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class UiConfig(AppConfig):
    name = "apps.ui"
    verbose_name = "Interface"

    def ready(self) -> None:
        from apps.campagnes.models import Session
        from apps.ui.contexte import retenir_periode

        post_save.connect(retenir_periode, sender=Session, dispatch_uid="ui-periode-enregistree")
        post_delete.connect(retenir_periode, sender=Session, dispatch_uid="ui-periode-supprimee")
