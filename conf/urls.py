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
    path("donnees-personnelles/", include("apps.donnees_personnelles.urls")),
    path("promotion/", include("apps.promotion.urls")),
    path("mobilite/", include("apps.mobilite.urls")),
    path("conseil/", include("apps.conseil.urls")),
    path("admin/", admin.site.urls),
]

# Pages d'erreur en français dans la mise en page du site ; la 500 garde le gestionnaire de
# Django, qui rend 500.html sans contexte (apps/ui/templates/500.html).
handler400 = "apps.ui.views.erreur_400"
handler403 = "apps.ui.views.erreur_403"
handler404 = "apps.ui.views.erreur_404"
