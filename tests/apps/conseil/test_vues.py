"""La page « Où recruter ? » et ses exports (accès : tests/test_matrice_acces.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.campagnes.models import Session
from tests.apps.conseil.donnees import NOM_PIEGE, session_avec_demande
from tests.apps.fabriques import UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination(client):
    client.force_login(UtilisateurFactory(coordinateur=True))
    return client


def test_page_recommande_des_places_et_montre_la_demande(coordination):
    session, projet = session_avec_demande()
    reponse = coordination.get(reverse("conseil:recruter", args=[session.pk]))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    # Les codes des communes de fabrique suivent l'ordre des tests : une « nouveau projet »
    # peut s'ajouter quand l'une d'elles est au référentiel ; on lit celle des places.
    (reco,) = [r for r in reponse.context["recos"] if r["r"].action == "places"]
    # Deux élèves sans place, P1 complet : 2 places de plus (la structure accueillant 2
    # élèves de plus par jour) en placent exactement 2.
    assert (reco["r"].action, reco["r"].quantite, reco["r"].gain_eleves) == ("places", 2, 2)
    assert reco["lien"] == reverse("projets:detail", args=[projet.pk])
    assert f'href="{reco["lien"]}"' in html
    # Le nom piégé reste du texte : échappé dans la page et dans les données de la carte.
    assert NOM_PIEGE not in html
    assert "Lycée &lt;img" in html
    carte = reponse.context["carte"]
    assert {ly["nom"]: ly["non_places"] for ly in carte["lycees"]} == {
        NOM_PIEGE: 2,
        "Lycée du bout du monde": 0,
    }
    assert [ly.nom for ly in reponse.context["sans_projet"]] == ["Lycée du bout du monde"]
    # Pression des voeux : 4 demandeurs pour 2 places.
    (pression, _lien) = reponse.context["pression_projets"][0]
    assert (pression.demandeurs, pression.places, pression.ratio) == (4, 2, 2.0)


def test_page_sans_affectation_montre_la_pression(coordination):
    session, _ = session_avec_demande()
    from apps.planification.models import Affectation

    Affectation.objects.all().delete()
    reponse = coordination.get(reverse("conseil:recruter", args=[session.pk]))
    assert reponse.status_code == 200
    assert reponse.context["page"].conseil is None
    assert 'id="sans-affectation"' in reponse.content.decode()
    assert reponse.context["pression_projets"][0][0].demandeurs == 4


def test_index_mene_a_la_session_active(coordination):
    session, _ = session_avec_demande()
    reponse = coordination.get(reverse("conseil:index"))
    assert reponse.url == reverse("conseil:recruter", args=[session.pk])
    Session.objects.update(est_active=False)
    assert coordination.get(reverse("conseil:index")).status_code == 404


def test_exports_csv_et_xlsx(coordination):
    session, _ = session_avec_demande()
    url = reverse("conseil:export", args=[session.pk])
    reponse = coordination.get(url)
    assert reponse["Content-Type"].startswith("text/csv")
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig"))))
    assert lignes[0][:6] == [
        "rang",
        "action",
        "projet_id",
        "commune_insee",
        "quantite",
        "gain_eleves",
    ]
    assert lignes[1][1] == "places" and lignes[1][5] == "2"
    reponse = coordination.get(url + "?format=xlsx")
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    assert feuille.cell(2, 2).value == "places" and feuille.cell(2, 6).value == 2
    assert coordination.get(url + "?format=pdf").status_code == 404
