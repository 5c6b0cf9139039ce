from django.urls import path

from apps.ui import champs, views

app_name = "ui"
urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("communes/suggestions/", champs.suggestions_communes, name="communes"),
]
