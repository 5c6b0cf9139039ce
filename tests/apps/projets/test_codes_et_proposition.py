"""Codes lisibles des projets et proposition de programme « comme le voit le moteur »."""

from __future__ import annotations

import re
from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from apps.projets import programme
from apps.projets.models import Groupe, Projet
from apps.projets.vigilance import hypothese_ages, points_de_vigilance
from tests.apps.fabriques import (
    CommuneFactory,
    DepartementFactory,
    EleveFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
)

pytestmark = pytest.mark.django_db
SEMAINE_1 = [f"2026-06-{j}" for j in (15, 16, 17, 18, 19)]


def test_code_attribue_a_la_creation_unique_et_stable():
    session = SessionFactory()
    orne = CommuneFactory(departement=DepartementFactory(code="61", nom="Orne"))
    manche = CommuneFactory(departement=DepartementFactory(code="50", nom="Manche"))
    premier = ProjetFactory(session=session, commune=orne)
    second = ProjetFactory(session=session, commune=manche)
    assert (premier.code, second.code) == ("61-001", "50-002")
    assert ProjetFactory(session=SessionFactory(), commune=orne).code == "61-001"
    premier.commune = manche
    premier.save()
    premier.refresh_from_db()
    assert premier.code == "61-001"  # stable : le code ne suit pas la commune
    assert Projet.objects.par_code(session, " 50-002 ") == second
    with pytest.raises(Projet.DoesNotExist):
        Projet.objects.par_code(session, "50-009")


def test_codes_des_projets_crees_en_masse_et_migration():
    session = SessionFactory()
    commune = CommuneFactory(departement=DepartementFactory(code="14", nom="Calvados"))
    existant = ProjetFactory(session=session, commune=commune)
    gabarit = ProjetFactory.build(session=session, commune=commune)
    Projet.objects.bulk_create(
        [
            Projet(**{**_champs(gabarit), "identifiant": f"IMP{i}", "nom": f"Importé {i}"})
            for i in range(2)
        ]
    )
    assert Projet.objects.filter(code="").count() == 2
    assert Projet.objects.attribuer_codes(session) == 2
    codes = sorted(Projet.objects.filter(session=session).values_list("code", flat=True))
    assert codes == [existant.code, "14-002", "14-003"]
    Projet.objects.filter(identifiant="IMP1").update(code="")
    migration = import_module("apps.projets.migrations.0003_codes_des_projets_existants")
    migration.attribuer(apps, None)
    assert Projet.objects.get(identifiant="IMP1").code == "14-003"


def _champs(projet: Projet) -> dict:
    noms = ["session", "nom", "type", "commune", "latitude", "longitude", "places"]
    return {n: getattr(projet, n) for n in noms}


def test_creation_sur_le_web_prend_le_code_pour_identifiant(client, porteur_user, session_active):
    commune = CommuneFactory(nom="L'Aigle", departement=DepartementFactory(code="61"))
    client.force_login(porteur_user)
    reponse = client.post(
        reverse("projets:creer"),
        {
            "nom": "L'Aigle industrie",
            "type": "multi-secteurs",
            "places": 10,
            "commune": f"L'Aigle ({commune.code})",
        },
    )
    projet = Projet.objects.get(nom="L'Aigle industrie")
    assert reponse.status_code == 302
    assert re.fullmatch(r"61-\d{3}", projet.code)
    assert projet.identifiant == projet.code
    page = client.get(reverse("projets:liste")).content.decode()
    assert projet.code in page


def _projet_laigle(session, places: int = 8) -> Projet:
    fermees = [
        StructureAccueilFactory(session=session, nom="Fonderie de Rai", jours=SEMAINE_1),
        StructureAccueilFactory(session=session, nom="Tréfilerie", jours=SEMAINE_1),
    ]
    bohin = StructureAccueilFactory(session=session, nom="Bohin", accueil_max=3, jours_max=8)
    return ProjetFactory(session=session, places=places, structures=[*fermees, bohin])


def test_echec_explique_par_structures_et_dates_sans_identifiant(session_active):
    projet = _projet_laigle(session_active, places=10)
    proposition = programme.proposer(projet, 10)
    assert proposition.cases == 0
    texte = " ".join(proposition.raisons)
    assert texte.startswith("Les 22/06, 23/06, 24/06, 25/06 et 26/06, 3 places pour 10 élèves")
    assert "Fonderie de Rai et Tréfilerie sont fermées" in texte
    assert "À essayer : prévoir au plus 3 élèves" in texte
    for structure in projet.structures.all():
        assert f"({structure.pk}" not in texte and f" {structure.pk}," not in texte
    assert f"projet {projet.pk}" not in texte
    assert not Groupe.objects.filter(projet=projet).exists()  # rien d'écrasé


def test_proposition_pour_le_nombre_saisi_et_l_age_de_la_session(session_active):
    # 20 élèves déposés : 2 de 14 ans, 18 de 15 ans au 15/06/2026.
    EleveFactory.create_batch(2, session=session_active, date_naissance=date(2011, 12, 1))
    EleveFactory.create_batch(18, session=session_active, date_naissance=date(2010, 12, 1))
    hypothese = hypothese_ages(session_active)
    assert hypothese.parts == ((14, 0.1), (15, 0.9))
    assert "comme les 20 élèves déposés" in hypothese.source
    structures = StructureAccueilFactory.create_batch(3, session=session_active, accueil_max=5)
    projet = ProjetFactory(session=session_active, places=8, structures=structures)
    proposition = programme.proposer(projet, 5)
    assert proposition.cases == 10 and proposition.raisons == ()
    assert proposition.eleves_fr == "1 élève de 14 ans et 4 de 15 ans"
    groupes = list(projet.groupes.all())
    assert sum(g.taille_prevue for g in groupes) == 5
    assert min(g.age_prevu for g in groupes) == 14
    projet.refresh_from_db()
    assert projet.eleves_prevus == 5
    raisons = " ".join(p.raison for p in points_de_vigilance(projet))
    assert "8 élèves" not in raisons and "en supposant 15 ans" not in raisons
    capacite = next(p for p in points_de_vigilance(projet) if p.code == "capacite")
    assert capacite.etat == "ok", capacite.raison


def test_hypothese_par_defaut_sans_eleve_depose(session_active):
    hypothese = hypothese_ages(session_active)
    ages = dict(hypothese.parts)
    assert set(ages) == {14, 15, 16, 17}
    assert 0.99 < sum(ages.values()) < 1.01
    assert ages[15] > 0.4 and ages[16] > 0.3
    assert "hypothèse d'une seconde type" in hypothese.source
    assert "85 % nés en 2010" in hypothese.source


def test_etape_2_montre_ce_que_voit_le_moteur(client, porteur_user, session_active):
    projet = _projet_laigle(session_active, places=10)
    projet.gestionnaires.add(porteur_user)
    projet.statut = Projet.Statut.BROUILLON
    projet.save()
    client.force_login(porteur_user)
    page = client.get(reverse("projets:structures", args=[projet.pk])).content.decode()
    assert "Le programme échouera avec ces structures." in page
    assert "du 15/06 au 19/06 (5 jours)" in page
    assert "8 jours" in page  # jours_max de Bohin
    assert "Âge minimum" in page and "14 ans" in page
    assert page.count('class="ligne-en-cause"') == 2  # les deux structures fermées
    assert "âges supposés" in page


def test_proposer_refuse_plus_d_eleves_que_de_places(client, porteur_user, session_active):
    projet = ProjetFactory(
        session=session_active,
        places=8,
        gestionnaires=[porteur_user],
        structures=StructureAccueilFactory.create_batch(2, session=session_active),
    )
    client.force_login(porteur_user)
    reponse = client.post(reverse("projets:proposer", args=[projet.pk]), {"eleves": 9}, follow=True)
    assert "Nombre d&#x27;élèves à répartir : au plus 8, les places du projet" in (
        reponse.content.decode()
    )
    assert not projet.groupes.exists()
