from django.apps import AppConfig


class PromotionConfig(AppConfig):
    name = "apps.promotion"
    verbose_name = "Promotion nationale (1 élève, 1 stage)"
