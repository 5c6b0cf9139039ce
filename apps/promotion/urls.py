from django.urls import path

from apps.promotion import views

app_name = "promotion"
urlpatterns = [
    path("", views.tableau, name="tableau"),
    path("publier/", views.publier_tout, name="publier"),
]
