from django.apps import AppConfig


class CarteConfig(AppConfig):
    name = "apps.carte"
    verbose_name = "Carte, couverture et tableau de bord"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.campagnes.models import Session
        from apps.carte.cache import oublier_version
        from apps.planification.models import Affectation
        from apps.projets.models import Projet

        for modele in (Projet, Affectation, Session):
            post_save.connect(oublier_version, sender=modele, dispatch_uid=f"carte-{modele}")
            post_delete.connect(oublier_version, sender=modele, dispatch_uid=f"carte-d-{modele}")
