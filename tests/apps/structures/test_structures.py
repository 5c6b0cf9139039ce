"""Le formulaire « trois minutes » de la structure et « qui vient quel jour »."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse

from tests.apps.fabriques import (
    AffectationFactory,
    CreneauFactory,
    EleveFactory,
    GroupeFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gestionnaire():
    return UtilisateurFactory(structure=True)


@pytest.fixture
def structure(gestionnaire):
    return StructureAccueilFactory(gestionnaires=[gestionnaire], tuteur="")


def _donnees(**champs):
    base = {
        "jours": ["2026-06-15", "2026-06-16"],
        "accueil_max": "6",
        "jours_max": "",
        "tuteur": "Yves Morel",
        "tuteur_email": "yves@garage.fr",
        "telephone": "0231",
        "age_min": "15",
        "domaines": ["I", "H"],
        "heure_debut": "08:30",
        "heure_fin": "16:00",
        "pause_minutes": "45",
        "consignes_securite": "Chaussures",
        "activite_pedagogique": "Atelier",
        "representant": "",
        "adresse": "",
    }
    base.update(champs)
    return base


def test_fiche_enregistree(client, gestionnaire, structure):
    client.force_login(gestionnaire)
    url = reverse("structures:fiche", args=[structure.pk])
    page = client.get(url).content.decode()
    assert "Jours où vous pouvez accueillir" in page
    assert client.post(url, _donnees()).status_code == 302
    structure.refresh_from_db()
    assert structure.jours == ["2026-06-15", "2026-06-16"]
    assert structure.domaines == "H|I"
    assert (structure.heure_debut, structure.accueil_max) == (time(8, 30), 6)
    assert structure.dates_accueil == [date(2026, 6, 15), date(2026, 6, 16)]


def test_fiche_refuse_horaires_inverses_et_jour_hors_session(client, gestionnaire, structure):
    client.force_login(gestionnaire)
    url = reverse("structures:fiche", args=[structure.pk])
    reponse = client.post(url, _donnees(heure_debut="17:00", jours=["2026-06-20"]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "L&#x27;heure de fin doit suivre" in contenu
    assert "2026-06-20" in contenu  # « n'est pas un choix valide »


def test_fiche_signale_horaires_contraires_au_droit_des_mineurs(client, gestionnaire, structure):
    structure.heure_debut, structure.heure_fin, structure.pause_minutes = time(8), time(18), 30
    structure.save()
    client.force_login(gestionnaire)
    page = client.get(reverse("structures:fiche", args=[structure.pk])).content.decode()
    assert "À corriger" in page
    assert "9 h 30 de présence effective" in page


def test_une_structure_ne_voit_que_sa_fiche(client, gestionnaire, structure):
    autre = StructureAccueilFactory()
    client.force_login(gestionnaire)
    assert client.get(reverse("structures:fiche", args=[autre.pk])).status_code == 404
    assert client.get(reverse("structures:qui_vient", args=[autre.pk])).status_code == 404
    assert client.post(reverse("structures:fiche", args=[autre.pk]), _donnees()).status_code == 404
    # Une seule structure : la liste mène directement à la fiche.
    assert client.get(reverse("structures:mes_structures")).url == reverse(
        "structures:fiche", args=[structure.pk]
    )


@pytest.mark.parametrize("role", ["porteur", "etablissement"])
def test_autres_roles_refuses(client, structure, role):
    client.force_login(UtilisateurFactory(role=role))
    assert client.get(reverse("structures:fiche", args=[structure.pk])).status_code == 403
    assert client.get(reverse("structures:mes_structures")).status_code == 403


def test_coordination_voit_tout(client, structure, django_assert_max_num_queries):
    for _ in range(8):
        StructureAccueilFactory(session=structure.session)
    client.force_login(UtilisateurFactory(coordinateur=True))
    # 4 requêtes, plus 3 pour enregistrer la session à chaque requête (expiration après
    # inactivité, SESSION_SAVE_EVERY_REQUEST).
    with django_assert_max_num_queries(4 + 3):
        page = client.get(reverse("structures:mes_structures"))
    assert page.content.decode().count("/structures/") >= 9
    assert client.get(reverse("structures:fiche", args=[structure.pk])).status_code == 200


def test_qui_vient_quel_jour(client, gestionnaire, structure, django_assert_max_num_queries):
    projet = ProjetFactory(session=structure.session, nom="Vire multi-secteurs", statut="publie")
    groupe = GroupeFactory(projet=projet, libelle="Groupe A")
    for _ in range(3):
        AffectationFactory(
            eleve=EleveFactory(session=structure.session), projet=projet, groupe=groupe
        )
    CreneauFactory(groupe=groupe, structure=structure, date=date(2026, 6, 16))
    client.force_login(gestionnaire)
    with django_assert_max_num_queries(4 + 3):  # dont 3 pour enregistrer la session
        page = client.get(reverse("structures:qui_vient", args=[structure.pk]))
    contenu = page.content.decode()
    assert "Vire multi-secteurs — Groupe A" in contenu
    assert "mardi 16 juin" in contenu
    assert '<td class="nombre">3</td>' in contenu


def test_session_sans_interference(client, gestionnaire):
    SessionFactory()
    client.force_login(gestionnaire)
    assert client.get(reverse("structures:mes_structures")).status_code == 200
