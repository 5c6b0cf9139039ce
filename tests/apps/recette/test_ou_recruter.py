"""Recette : « Où recruter ? » ne montre ni identifiant interne du moteur (`P1`, `S001`), ni
« élève(s) », et ses tableaux défilent dans leur cadre sur un téléphone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.conseil.views import lisible
from tests.apps.conseil.donnees import session_avec_demande
from tests.apps.fabriques import UtilisateurFactory

pytestmark = pytest.mark.django_db


def test_recommandation_cite_le_code_du_projet_et_le_nom_de_la_structure(client):
    client.force_login(UtilisateurFactory(coordinateur=True))
    session, projet = session_avec_demande()
    structure = projet.structures.get()
    reponse = client.get(reverse("conseil:recruter", args=[session.pk]))
    html = reponse.content.decode()
    # Les codes des communes de fabrique suivent l'ordre des tests : une « nouveau projet »
    # peut s'ajouter quand l'une d'elles est au référentiel ; on lit celle des places.
    (reco,) = [r for r in reponse.context["recos"] if r["r"].action == "places"]
    assert projet.identifiant != projet.code
    assert reco["projet"] == f"{projet.code} {projet.nom}"
    assert structure.nom in reco["explication"]
    for interne in (projet.identifiant, structure.identifiant):
        assert not re.search(rf"(?<![\w-]){re.escape(interne)}(?![\w-])", reco["explication"])
    assert "élève(s)" not in reco["explication"]
    assert "Calculé sur les résultats publiés" in html
    assert html.count('class="defilement"') == 3


def test_lisible_remplace_les_identifiants_entiers_seulement():
    noms = {"P1": "14-001", "S01": "Fonderie"}
    texte = "3 élève(s) de plus dans P1 ; P12 et S01, 1 élève(s)"
    assert lisible(texte, noms) == "3 élèves de plus dans 14-001 ; P12 et Fonderie, 1 élève"
