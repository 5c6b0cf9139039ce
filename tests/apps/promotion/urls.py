"""Adresses des tests : celles du site, plus la page de la publication nationale (que
conf/urls.py n'inclut pas encore : voir docs/promotion.md)."""

from django.urls import include, path

from conf.urls import handler403, handler404  # noqa: F401
from conf.urls import urlpatterns as urls_du_site

urlpatterns = [*urls_du_site, path("promotion/", include("apps.promotion.urls"))]
