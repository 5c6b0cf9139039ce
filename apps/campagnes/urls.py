from django.urls import path

from apps.campagnes import views

app_name = "campagnes"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("ouvrir/", views.ouvrir, name="ouvrir"),
    path("<int:pk>/", views.configurer, name="configurer"),
    path("<int:pk>/saison-suivante/", views.suivante, name="suivante"),
    path("<int:pk>/archiver/", views.archiver, name="archiver"),
]
