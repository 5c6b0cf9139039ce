from django.urls import path

from apps.territoires import champs

app_name = "territoires"
urlpatterns = [
    path("communes/suggestions/", champs.suggestions_communes, name="communes"),
]
