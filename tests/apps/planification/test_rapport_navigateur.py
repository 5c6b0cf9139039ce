"""La coordination, dans Chromium : lance l'affectation sur un petit jeu (vraie file en base),
attend la fin, lit le rapport, filtre les non-placés, exporte ; aucune page n'est plus large
que l'écran, sur ordinateur (1 280 px) comme sur téléphone (390 px)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from apps.journal.models import Action, EntreeJournal
from apps.planification.models import Travail
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import (
    CommuneFactory,
    DepartementFactory,
    EleveFactory,
    EtablissementFactory,
    UtilisateurFactory,
    VoeuFactory,
)
from tests.apps.navigateur import capturer
from tests.apps.planification.test_taches import session_planifiable

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

NBSP = "\u00a0"
LARGEURS = (1280, 390)
PLUS_LARGE_QUE_L_ECRAN = (
    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
)


def petit_jeu():
    """6 élèves du Calvados pour 5 places (1 non placé : projets complets) et 2 élèves d'un
    lycée de la Manche domiciliés à Cherbourg, hors de portée (2 non placés : distance)."""
    session, projets = session_planifiable()
    manche = DepartementFactory(code="50", nom="Manche")
    cherbourg = CommuneFactory(departement=manche, latitude=49.64, longitude=-1.62)
    lycee = EtablissementFactory(commune=cherbourg, nom="Lycée Victor-Grignard")
    for _ in range(2):
        eleve = EleveFactory(session=session, etablissement=lycee)
        VoeuFactory(eleve=eleve, projet=projets[0], rang=1)
    return session, lycee


def pas_plus_large(page, nom: str) -> None:
    for largeur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": 900})
        assert not page.evaluate(PLUS_LARGE_QUE_L_ECRAN), f"{nom} plus large que {largeur} px"
        capturer(page, f"{nom}-{largeur}")


def test_lancer_lire_filtrer_exporter(live_server, navigateur, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _session, lycee = petit_jeu()
    page = page_connectee(navigateur, live_server, UtilisateurFactory(coordinateur=True))
    page.goto(live_server.url + reverse("planification:travaux"))
    pas_plus_large(page, "travaux")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Politique d'affectation").select_option("stable")
    page.get_by_role("button", name="Lancer").click()
    page.wait_for_selector("progress")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    expect(page.locator("#progression")).to_contain_text("Terminé", timeout=15_000)
    assert Travail.objects.get().etat == Travail.Etat.TERMINE

    # Le rapport sur la page du travail : chiffres clés et tableaux, en français
    progression = page.locator("#progression")
    expect(progression.get_by_role("heading", name="Chiffres clés")).to_be_visible()
    cles = page.locator(".chiffres-cles").inner_text()
    assert f"62,5{NBSP}%" in cles and "5 sur 8" in cles  # placement global
    expect(page.locator(".rapport")).to_contain_text("élèves placés : 5 sur 8")
    publics = page.get_by_role("table", name="Taux de placement par public")
    expect(publics.get_by_role("row", name="Filles")).to_contain_text(f"62,5{NBSP}%")
    departements = page.get_by_role("table", name="Taux de placement par département")
    expect(departements.get_by_role("row", name="Manche (50)")).to_contain_text(f"0,0{NBSP}%")
    raisons = page.get_by_role("table", name="Raisons des non-placés")
    expect(raisons).to_contain_text("vœu à portée")
    assert "voeu" not in page.locator("main").inner_text()
    pas_plus_large(page, "rapport-travail")

    # Les résultats : filtrer les non-placés par département, puis par raison
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Revoir les résultats").click()
    expect(page.get_by_role("heading", name="Élèves non placés")).to_be_visible()
    expect(page.locator(".compte-non-places")).to_contain_text("3 élèves non placés")
    pas_plus_large(page, "resultats")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Département").select_option("50")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator(".compte-non-places")).to_contain_text("répondent aux filtres (sur 3)")
    lignes = page.get_by_role("table", name="Élèves non placés et leur raison").locator("tbody tr")
    expect(lignes).to_have_count(2)
    expect(lignes.first).to_contain_text(lycee.nom)
    expect(lignes.first).to_contain_text("vœu à portée")
    capturer(page, "resultats-filtres")

    # Export de la sélection (CSV) : deux élèves, identifiants pseudonymes, journalisé
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="CSV").click()
    contenu = Path(telechargement.value.path()).read_text(encoding="utf-8-sig")
    rangees = contenu.strip().splitlines()
    assert rangees[0] == "Identifiant (pseudonyme);UAI;Établissement;Département;Raison"
    assert len(rangees) == 3 and all(lycee.uai in r for r in rangees[1:])
    entree = EntreeJournal.objects.get(action=Action.EXPORT)
    assert entree.nombre_eleves == 2
    with page.expect_download() as classeur:
        page.get_by_role("link", name="classeur XLSX").click()
    assert classeur.value.suggested_filename == "non-places-publies.xlsx"

    # Effacer les filtres ; sur téléphone, toujours rien de plus large que l'écran
    page.get_by_role("link", name="Effacer les filtres").click()
    expect(page.locator(".compte-non-places")).to_contain_text("3 élèves non placés")
    page.set_viewport_size({"width": 390, "height": 900})
    page.get_by_label("Raison").select_option(index=1)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator(".compte-non-places")).to_contain_text("répond")
    assert not page.evaluate(PLUS_LARGE_QUE_L_ECRAN)
    capturer(page, "resultats-filtres-390")
    assert page.erreurs_console == []
