from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("apps.ui.urls")),
    path("comptes/", include("apps.comptes.urls")),
    path("carte/", include("apps.carte.urls")),
    path("projets/", include("apps.projets.urls")),
    path("structures/", include("apps.structures.urls")),
    path("etablissements/", include("apps.planification.urls_etablissements")),
    path("territoires/", include("apps.territoires.urls")),
    path("sessions/", include("apps.campagnes.urls")),
    path("planification/", include("apps.planification.urls")),
    path("conventions/", include("apps.conventions.urls")),
    path("admin/", admin.site.urls),
]
