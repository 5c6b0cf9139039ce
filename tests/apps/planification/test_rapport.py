"""Le rapport des résultats : chiffres (taux global, par public, par département, premier
vœu, raisons), nombres à la française, non-placés filtrés et paginés, exports CSV et XLSX
journalisés et sans nom."""

from __future__ import annotations

import io
import re

import pytest
from django.db.models import Count
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from apps.journal.models import Action, EntreeJournal
from apps.planification import rapports
from apps.planification.models import Travail
from apps.projets.models import Projet
from moteur.affectation.principal import RAISON_COMPLETS, RAISON_DISTANCE
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    AffectationFactory,
    CommuneFactory,
    DepartementFactory,
    EleveFactory,
    EtablissementFactory,
    IdentiteEleveFactory,
    ProjetFactory,
    SessionFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"
COMPLETS = RAISON_COMPLETS["stable"]
LOIN = RAISON_DISTANCE.format(dmax=37.5)  # « aucun voeu à portée (… 37.5 km) »


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


# --- Nombres à la française --------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        (1234, 0, f"1{NNBSP}234"),
        (1666, 0, f"1{NNBSP}666"),
        (1234567.891, 2, f"1{NNBSP}234{NNBSP}567,89"),
        (16.94, 1, "16,9"),
        (0, 0, "0"),
        (-3.25, 1, "\u22123,2"),
        (None, 0, "—"),
    ],
)
def test_nombre_fr(valeur, decimales, attendu):
    assert rapports.nombre_fr(valeur, decimales) == attendu


def test_pourcent_et_texte_fr():
    assert rapports.pourcent_fr(16.94) == f"16,9{NBSP}%"
    assert rapports.pourcent_fr(100) == f"100,0{NBSP}%"
    assert rapports.pourcent_fr(None) == "—"
    assert rapports.texte_fr(LOIN) == "aucun vœu à portée (distance au-delà de 37,5 km)"
    assert rapports.texte_fr("Premier voeu : 16.9 %, v1.2.3") == "Premier vœu : 16,9 %, v1.2.3"


def test_filtres_de_gabarit():
    gabarit = Template(
        "{% load nombres_fr %}{{ n|nombre }}|{{ t|pourcent }}|{{ r|nombre:2 }}|{{ x|texte_fr }}"
    )
    rendu = gabarit.render(Context({"n": 1666, "t": 16.94, "r": 1.5, "x": "voeu 2.5"}))
    assert rendu == f"1{NNBSP}666|16,9{NBSP}%|1,50|vœu 2,5"


# --- Un petit monde dont on connaît les chiffres -------------------------------------------


@pytest.fixture
def monde():
    """10 élèves : 6 au lycée du Calvados (commune de 5 000 hab.), 4 au lycée de la Manche
    (commune rurale de 800 hab.) ; 6 placés, 4 non placés (2 projets complets, 2 trop loin)."""
    session = SessionFactory()
    calvados = CommuneFactory(departement=DepartementFactory(code="14", nom="Calvados"))
    manche = CommuneFactory(departement=DepartementFactory(code="50", nom="Manche"), population=800)
    l14 = EtablissementFactory(commune=calvados, nom="Lycée Malherbe", uai="0140001A")
    l50 = EtablissementFactory(commune=manche, nom="Lycée Millet", uai="0500001B")
    p = ProjetFactory(
        session=session, identifiant="14-001", nom="Atelier", places=10, statut="valide"
    )
    q = ProjetFactory(
        session=session, identifiant="14-002", nom="Bureau", places=5, statut="valide"
    )
    # (identifiant, lycée, genre, boursier, projet, rang, raison)
    eleves = [
        ("E01", l14, "F", True, p, 1, ""),
        ("E02", l14, "M", False, p, 2, ""),
        ("E03", l14, "F", False, q, 1, ""),
        ("E04", l14, "M", False, None, None, COMPLETS),
        ("E05", l14, "F", True, None, None, COMPLETS),
        ("E06", l14, "", False, p, 1, ""),
        ("E07", l50, "F", False, q, 1, ""),
        ("E08", l50, "M", False, None, None, LOIN),
        ("E09", l50, "M", False, None, None, LOIN),
        ("E10", l50, "F", True, p, 3, ""),
    ]
    for ident, lycee, genre, boursier, projet, rang, raison in eleves:
        eleve = EleveFactory(
            session=session, identifiant=ident, etablissement=lycee, genre=genre, boursier=boursier
        )
        IdentiteEleveFactory(eleve=eleve, nom=f"Nom{ident}", prenom=f"Prenom{ident}")
        AffectationFactory(eleve=eleve, projet=projet, rang=rang, raison=raison)
    return session


def test_chiffres_du_rapport(monde):
    r = rapports.rapport_publie(monde)
    assert (r.source, r.total, r.places, r.premier_voeu) == (rapports.PUBLIES, 10, 6, 4)
    assert r.global_.taux == pytest.approx(60.0)
    assert r.taux_premier_voeu == pytest.approx(40.0)
    assert r.taux_premier_voeu_places == pytest.approx(100 * 4 / 6)
    assert r.rang_moyen == pytest.approx(1.5)
    categories = {t.libelle: (t.effectif, t.places) for t in r.categories}
    assert categories == {
        "Boursiers": (3, 2),
        "Non boursiers": (7, 4),
        "Domicile en commune rurale": (4, 2),
        "Domicile en commune non rurale": (6, 4),
        "Filles": (5, 4),
        "Garçons": (4, 1),
        "Genre non renseigné": (1, 1),
    }
    assert [(t.code, t.libelle, t.effectif, t.places) for t in r.departements] == [
        ("14", "Calvados (14)", 6, 4),
        ("50", "Manche (50)", 4, 2),
    ]
    assert r.raisons == sorted([(COMPLETS, 2), (LOIN, 2)])
    assert [p.part for p in r.parts_raisons] == [50.0, 50.0]
    assert [(p.code, p.places, p.eleves) for p in r.projets] == [
        ("14-001", 10, 4),
        ("14-002", 5, 2),
    ]
    assert [x.identifiant for x in r.filtrer(raison=LOIN)] == ["E08", "E09"]
    assert [x.identifiant for x in r.filtrer(uai="0140001A")] == ["E04", "E05"]
    assert [x.identifiant for x in r.filtrer(departement="50", raison=COMPLETS)] == []


def test_page_des_resultats_en_francais(coordination, monde):
    reponse = coordination.get(reverse("planification:resultats"))
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    for attendu in (
        f"60,0{NBSP}%",  # placement global
        f"40,0{NBSP}%",  # premier vœu
        f"25,0{NBSP}%",  # garçons
        f"66,7{NBSP}%",  # boursiers, Calvados
        "Calvados (14)",
        "Manche (50)",
        "aucun vœu à portée (distance au-delà de 37,5 km)",
        'value="60.0"',  # la jauge : valeur non localisée
        "rapport.css",
    ):
        assert attendu in texte, attendu
    visible = re.sub(r"<[^>]+>", " ", texte)  # le texte lu, hors attributs (valeurs de filtres)
    assert "voeu" not in visible and "vœu" in visible
    assert "16.9" not in texte and "<pre" not in texte
    assert "NomE0" not in texte and "PrenomE0" not in texte  # aucun nom d'élève
    assert len(reponse.context["non_places"]) == 4


def test_filtres_des_non_places(coordination, monde):
    url = reverse("planification:resultats")
    par_raison = coordination.get(url, {"raison": LOIN})
    assert [x.identifiant for x in par_raison.context["non_places"]] == ["E08", "E09"]
    assert "répondent aux filtres (sur 4)" in par_raison.content.decode()
    par_lycee = coordination.get(url, {"uai": "0140001A"})
    assert [x.identifiant for x in par_lycee.context["non_places"]] == ["E04", "E05"]
    par_dep = coordination.get(url, {"departement": "50"})
    assert [x.identifiant for x in par_dep.context["non_places"]] == ["E08", "E09"]
    # un filtre inconnu (lien trafiqué) est ignoré, pas d'erreur
    inconnu = coordination.get(url, {"departement": "99", "page": "abc"})
    assert inconnu.status_code == 200 and len(inconnu.context["non_places"]) == 4


def test_non_places_pagines(coordination):
    session = SessionFactory()
    lycee = EtablissementFactory()
    ProjetFactory(session=session, statut="valide")
    for i in range(57):
        eleve = EleveFactory(session=session, etablissement=lycee, identifiant=f"N{i:03d}")
        AffectationFactory(eleve=eleve, projet=None, rang=None, raison=COMPLETS)
    url = reverse("planification:resultats")
    page1 = coordination.get(url)
    assert len(page1.context["non_places"]) == 50
    assert "page 1 sur 2" in page1.content.decode()
    page2 = coordination.get(url, {"page": 2})
    assert [x.identifiant for x in page2.context["non_places"]] == [
        f"N{i:03d}" for i in range(50, 57)
    ]
    assert "Page précédente" in page2.content.decode()


# --- Exports --------------------------------------------------------------------------------


def test_export_csv_filtre_journalise_sans_nom(coordination, monde):
    reponse = coordination.get(reverse("planification:export", args=["csv"]), {"departement": "50"})
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/csv")
    assert "attachment" in reponse["Content-Disposition"]
    texte = reponse.content.decode("utf-8")
    assert texte.startswith("\ufeffIdentifiant (pseudonyme);UAI;Établissement;Département;Raison")
    lignes = texte.strip().splitlines()[1:]
    assert lignes == [
        "E08;0500001B;Lycée Millet;Manche (50);aucun vœu à portée (distance au-delà de 37,5 km)",
        "E09;0500001B;Lycée Millet;Manche (50);aucun vœu à portée (distance au-delà de 37,5 km)",
    ]
    assert "Nom" not in texte.replace("Identifiant", "")
    entree = EntreeJournal.objects.get()
    assert entree.action == Action.EXPORT and entree.nombre_eleves == 2
    assert "non placés" in entree.objet and "CSV" in entree.objet
    assert entree.session_id == monde.pk


def test_export_xlsx(coordination, monde):
    reponse = coordination.get(reverse("planification:export", args=["xlsx"]))
    assert reponse.status_code == 200
    classeur = load_workbook(io.BytesIO(reponse.content))
    assert classeur.sheetnames == [
        "Synthèse",
        "Publics",
        "Départements",
        "Raisons",
        "Projets",
        "Non placés",
    ]
    synthese = {r[0]: r[1] for r in classeur["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert synthese["Élèves"] == 10 and synthese["Élèves placés"] == 6
    assert synthese["Taux de placement"] == pytest.approx(0.6)
    assert classeur["Synthèse"]["B5"].number_format == "0.0%"
    departements = list(classeur["Départements"].iter_rows(min_row=2, values_only=True))
    assert departements == [("Calvados (14)", 6, 4, 0.6667), ("Manche (50)", 4, 2, 0.5)]
    non_places = [r[0] for r in classeur["Non placés"].iter_rows(min_row=2, values_only=True)]
    assert non_places == ["E04", "E05", "E08", "E09"]
    contenu = " ".join(
        str(v) for f in classeur for r in f.iter_rows(values_only=True) for v in r if v
    )
    assert "NomE" not in contenu and "PrenomE" not in contenu
    assert EntreeJournal.objects.get().nombre_eleves == 4


def test_export_neutralise_les_formules(monde):
    piege = rapports.Ligne(
        "E01",
        "0140001A",
        '=HYPERLINK("http://exemple.invalid")',
        "14",
        "Calvados",
        False,
        False,
        "",
        None,
        None,
        "+1",
    )
    texte = rapports.export_csv([piege]).decode("utf-8")
    assert ';"\'=HYPERLINK(""http' in texte and ";'+1\r\n" in texte


def test_export_format_inconnu(coordination, monde):
    url = reverse("planification:export", args=["pdf"])
    assert coordination.get(url).status_code == 404
    assert not EntreeJournal.objects.exists()


def test_export_refuse_hors_coordination(client, monde):
    client.login(username=UtilisateurFactory(etablissement=True).username, password=MOT_DE_PASSE)
    assert client.get(reverse("planification:export", args=["csv"])).status_code == 403
    assert not EntreeJournal.objects.exists()


# --- Page d'un travail ------------------------------------------------------------------------


def test_page_du_travail_termine(coordination):
    from apps.planification import taches
    from tests.apps.planification.test_taches import session_planifiable

    session, _ = session_planifiable()
    premier = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    assert "élèves placés : 5 sur 6 (83,3\u00a0%)" in premier.rapport
    assert "premier vœu" in premier.rapport and "voeu" not in premier.rapport
    texte = coordination.get(reverse("planification:travail", args=[premier.pk])).content.decode()
    assert "Compte rendu du calcul" in texte and "Chiffres clés" in texte
    assert f"83,3{NBSP}%" in texte
    assert "Liste des 1 élève non placé" in texte
    assert texte.count("<progress") == 1  # les jauges du rapport sont des <meter>
    second = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "optimal"})
    ancien = coordination.get(reverse("planification:travail", args=[premier.pk])).content
    assert "ne sont plus les derniers calculés" in ancien.decode()
    recent = coordination.get(reverse("planification:travail", args=[second.pk])).content
    assert "Chiffres clés" in recent.decode()


# --- Plan en attente de publication (revue avant publication) -----------------------------


def test_rapport_du_plan_en_attente_et_des_resultats_en_place(coordination):
    from apps.planification import taches
    from tests.apps.planification.test_taches import session_planifiable

    session, projets = session_planifiable()
    taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    taches.publier(session)
    Projet.objects.filter(pk=projets[0].pk).update(places=1)  # moins de places : 3 placés
    attente = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    assert attente.plan is not None
    url = reverse("planification:resultats")
    defaut = coordination.get(url)
    assert defaut.context["rapport"].source == rapports.ATTENTE
    assert defaut.context["rapport"].places == 3
    assert len(defaut.context["non_places"]) == 3
    texte = defaut.content.decode()
    assert "Nouveaux résultats en attente de publication" in texte
    assert "Chiffres clés — nouveaux résultats en attente" in texte
    assert f"50,0{NBSP}%" in texte  # 3 placés sur 6
    en_place = coordination.get(url, {"source": "publies"})
    assert en_place.context["rapport"].places == 5
    assert len(en_place.context["non_places"]) == 1
    # l'export suit la source demandée
    csv_attente = coordination.get(reverse("planification:export", args=["csv"]))
    assert len(csv_attente.content.decode().strip().splitlines()) == 1 + 3
    page_travail = coordination.get(reverse("planification:travail", args=[attente.pk]))
    assert page_travail.context["rapport"].source == rapports.ATTENTE


def test_rapport_apres_les_programmes(coordination):
    from apps.planification import taches
    from apps.projets.models import Groupe
    from tests.apps.planification.test_taches import session_planifiable

    session, _ = session_planifiable()
    taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    programmes = taches.lancer(session, Travail.Type.PROGRAMMES, {})
    assert programmes.etat == Travail.Etat.TERMINE, programmes.message
    page = coordination.get(reverse("planification:travail", args=[programmes.pk]))
    rapport = page.context["rapport"]
    groupes = dict(
        Groupe.objects.filter(projet__session=session)
        .values_list("projet__identifiant")
        .annotate(n=Count("pk"))
    )
    assert groupes and {p.code: p.groupes for p in rapport.projets} == {
        code: groupes.get(code, 0) for code in ("P1", "P2")
    }
    texte = page.content.decode()
    assert "Projets planifiés : 2" in texte and "Chiffres clés" in texte
    resultats = coordination.get(reverse("planification:resultats")).content.decode()
    assert "Par projet" in resultats and "Remplissage" in resultats


def test_liens_des_projets_ouvrent_une_page(coordination, monde):
    """Un projet validé mais pas encore publié n'est pas sur la carte : le lien mène à la
    page du projet de la coordination, jamais à un 404."""
    page = coordination.get(reverse("planification:resultats"))
    for projet in page.context["rapport"].projets:
        assert f'href="{reverse("projets:detail", args=[projet.pk])}"' in page.content.decode()
        assert coordination.get(reverse("projets:detail", args=[projet.pk])).status_code == 200


# --- Texte du calcul : le rapport d'allocation du moteur ------------------------------------


@pytest.mark.parametrize("politique", ["stable", "optimal"])
def test_texte_du_travail_est_le_rapport_du_moteur(politique):
    """La plateforme stocke le rapport écrit par le moteur (`texte_rapport`, déjà aux formats
    français), avec le seul nombre de non-placés : leurs raisons sont dans le tableau de la
    page, jamais dans ce texte."""
    from apps.planification import lecture_moteur, taches
    from apps.projets.models import STATUTS_VALIDES
    from moteur.affectation import texte_rapport
    from moteur.planificateur import planifier
    from tests.apps.planification.test_taches import session_planifiable

    session, _ = session_planifiable()
    travail = taches.lancer(session, Travail.Type.AFFECTATION, {"politique": politique})
    assert travail.etat == Travail.Etat.TERMINE, travail.message
    donnees = lecture_moteur.session_moteur(session, statuts=STATUTS_VALIDES)
    resultat = planifier(donnees, politique, 0, avec_rotation=False)
    attendu = texte_rapport(resultat.affectation, resultat.borne, detail_raisons=False)
    assert travail.rapport == (
        f"{attendu}\nLes programmes (rotations) sont à recalculer après chaque affectation."
    )
    lignes = travail.rapport.splitlines()
    assert "- élèves placés : 5 sur 6 (83,3\u00a0%), pour 5 places" in lignes
    assert "- non placés : 1" in lignes
    assert "par raison" not in travail.rapport and COMPLETS not in travail.rapport
    assert re.search(r"(?i)\bvoeu|\d\.\d", travail.rapport) is None
    constats = [x for x in lignes if x.startswith(("- Boursiers", "- Élèves ruraux"))]
    assert constats == [f"- {c}" for c in resultat.affectation.constats_egalite]
    assert not hasattr(rapports, "texte_affectation") and not hasattr(rapports, "constat_fr")


def test_lignes_texte_relit_un_ancien_texte_stocke():
    """Un texte stocké avant que le moteur n'écrive à la française est relu à la française."""
    ancien = (
        "Allocation « stable » (graine 0)\n"
        "- premier voeu : 3 élèves (16.9 % des élèves) ; rang moyen obtenu : 1.25\n\n"
        "- non placés : 1"
    )
    assert rapports.lignes_texte(ancien) == [
        "Allocation « stable » (graine 0)",
        "premier vœu : 3 élèves (16,9 % des élèves) ; rang moyen obtenu : 1,25",
        "non placés : 1",
    ]
