"""Saison suivante, côté porteur et coordination : le brouillon repris dit d'où il vient, la
liste distingue les saisons, les structures « à reconfirmer » sont signalées."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.projets.models import Projet
from apps.projets.reconduction import reconduire_projets
from tests.apps.fabriques import (
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

NOM = "Vire : industrie et santé"


@pytest.fixture
def porteur_user():
    return UtilisateurFactory(porteur=True)


@pytest.fixture
def saisons():
    ancienne = SessionFactory(nom="Stages de seconde 2026", est_active=False)
    nouvelle = SessionFactory(
        nom="Stages de seconde 2027", date_debut=date(2027, 6, 14), date_fin=date(2027, 6, 25)
    )
    return ancienne, nouvelle


@pytest.fixture
def reconduit(saisons, porteur_user):
    """Le projet 2026 (publié) et sa copie 2027 (brouillon), même nom."""
    ancienne, nouvelle = saisons
    projet = ProjetFactory(
        session=ancienne,
        nom=NOM,
        statut=Projet.Statut.PUBLIE,
        gestionnaires=[porteur_user],
        structures=StructureAccueilFactory.create_batch(2, session=ancienne),
        referent="Ana Lopez",
    )
    reconduire_projets(ancienne, nouvelle)
    ancienne.archivee_le = timezone.now()
    ancienne.save(update_fields=["archivee_le"])
    return projet, Projet.objects.get(session=nouvelle)


def test_la_copie_pointe_vers_le_projet_copie(reconduit, saisons):
    projet, copie = reconduit
    assert copie.reconduit_de == projet
    assert list(projet.reconductions.all()) == [copie]
    assert copie.statut == Projet.Statut.BROUILLON and copie.a_relire
    # Une troisième saison : la copie de la copie pointe vers la copie, pas vers l'ancêtre.
    troisieme = SessionFactory(date_debut=date(2028, 6, 12), date_fin=date(2028, 6, 23))
    reconduire_projets(saisons[1], troisieme)
    assert Projet.objects.get(session=troisieme).reconduit_de == copie
    # Supprimer l'ancêtre ne supprime pas la copie.
    Projet.objects.filter(pk=projet.pk).delete()
    copie.refresh_from_db()
    assert copie.reconduit_de is None


@pytest.mark.parametrize("page", ["detail", "zone", "structures", "programme", "soumission"])
def test_les_pages_du_porteur_disent_repris_a_relire(client, reconduit, porteur_user, page):
    _, copie = reconduit
    client.force_login(porteur_user)
    texte = client.get(reverse(f"projets:{page}", args=[copie.pk])).content.decode()
    assert "Repris de la saison 2026 : à relire puis soumettre." in texte


def test_une_fois_soumis_le_projet_n_est_plus_a_relire(client, reconduit, porteur_user):
    _, copie = reconduit
    copie.soumettre()
    client.force_login(porteur_user)
    texte = client.get(reverse("projets:detail", args=[copie.pk])).content.decode()
    assert "à relire puis soumettre" not in texte
    assert "Repris de la saison 2026 (« Stages de seconde 2026 »)" in texte


def test_la_liste_se_limite_a_la_session_en_cours(client, reconduit, porteur_user):
    projet, copie = reconduit
    client.force_login(porteur_user)
    texte = client.get(reverse("projets:liste")).content.decode()
    assert reverse("projets:detail", args=[copie.pk]) in texte
    assert reverse("projets:detail", args=[projet.pk]) not in texte
    assert "Stages de seconde 2027" in texte
    assert "repris de 2026 : à relire puis soumettre" in texte
    # Le filtre dit quelle session est montrée.
    assert f'<option value="{copie.session_id}" selected>Stages de seconde 2027 (en cours)' in texte


def test_la_liste_de_toutes_les_sessions_montre_la_session_de_chaque_projet(
    client, reconduit, porteur_user
):
    projet, copie = reconduit
    client.force_login(porteur_user)
    page = client.get(reverse("projets:liste"), {"session": "toutes"})
    lignes = {p.pk: p for p in page.context["projets"]}
    assert set(lignes) == {projet.pk, copie.pk}
    texte = page.content.decode()
    for cible, session in ((projet, "Stages de seconde 2026"), (copie, "Stages de seconde 2027")):
        debut = texte.index(reverse("projets:detail", args=[cible.pk]))
        ligne = texte[debut : texte.index("</tr>", debut)]
        assert NOM in ligne and session in ligne
    assert "(archivée)" in texte
    # Une session précise : seulement ses projets ; une valeur inconnue : la session en cours.
    seule = client.get(reverse("projets:liste"), {"session": projet.session_id})
    assert [p.pk for p in seule.context["projets"]] == [projet.pk]
    inconnue = client.get(reverse("projets:liste"), {"session": "999999"})
    assert [p.pk for p in inconnue.context["projets"]] == [copie.pk]


def test_sans_projet_dans_la_session_en_cours_la_liste_montre_toutes_les_sessions(
    client, saisons, porteur_user
):
    ancienne, _ = saisons
    projet = ProjetFactory(session=ancienne, nom=NOM, gestionnaires=[porteur_user])
    client.force_login(porteur_user)
    page = client.get(reverse("projets:liste"))
    assert [p.pk for p in page.context["projets"]] == [projet.pk]
    assert "Stages de seconde 2026" in page.content.decode()


@pytest.fixture
def projet_a_reconfirmer(saisons, porteur_user):
    _, nouvelle = saisons
    fonderie = StructureAccueilFactory(session=nouvelle, nom="Fonderie de Rai", a_reconfirmer=True)
    confirmee = StructureAccueilFactory(session=nouvelle, nom="Tréfilerie", a_reconfirmer=False)
    return ProjetFactory(
        session=nouvelle,
        porteur=PorteurFactory(),
        gestionnaires=[porteur_user],
        structures=[fonderie, confirmee],
        referent="Ana Lopez",
        referent_telephone="02 31 00 00 00",
        outil_pedagogique="Élève reporter",
        restitution_prevue=True,
        etape=5,
    )


def test_le_porteur_voit_les_structures_a_reconfirmer_avant_de_soumettre(
    client, projet_a_reconfirmer, porteur_user
):
    client.force_login(porteur_user)
    texte = client.get(reverse("projets:soumission", args=[projet_a_reconfirmer.pk]))
    texte = unescape(texte.content.decode())
    assert "Structures à reconfirmer" in texte
    assert "Fonderie de Rai n'a pas encore reconfirmé sa fiche" in texte
    assert "Tréfilerie n'a pas" not in texte


def test_la_coordination_est_avertie_avant_et_a_la_validation(client, projet_a_reconfirmer):
    projet_a_reconfirmer.soumettre()
    client.force_login(UtilisateurFactory(coordinateur=True))
    fiche = client.get(reverse("projets:detail", args=[projet_a_reconfirmer.pk]))
    assert "Fonderie de Rai n'a pas encore reconfirmé sa fiche" in unescape(fiche.content.decode())
    reponse = client.post(reverse("projets:valider", args=[projet_a_reconfirmer.pk]))
    projet_a_reconfirmer.refresh_from_db()
    assert projet_a_reconfirmer.statut == Projet.Statut.VALIDE  # une alerte, pas un blocage
    textes = [str(m) for m in get_messages(reponse.wsgi_request)]
    assert any(t.startswith("À suivre : Fonderie de Rai") for t in textes)


def test_plusieurs_structures_a_reconfirmer_sont_toutes_nommees(client, projet_a_reconfirmer):
    projet_a_reconfirmer.structures.update(a_reconfirmer=True)
    client.force_login(UtilisateurFactory(coordinateur=True))
    texte = client.get(reverse("projets:detail", args=[projet_a_reconfirmer.pk]))
    assert "Fonderie de Rai et Tréfilerie n'ont pas encore reconfirmé" in unescape(
        texte.content.decode()
    )


def test_sans_structure_a_reconfirmer_aucun_point(client, projet_a_reconfirmer):
    projet_a_reconfirmer.structures.update(a_reconfirmer=False)
    client.force_login(UtilisateurFactory(coordinateur=True))
    texte = client.get(reverse("projets:detail", args=[projet_a_reconfirmer.pk]))
    assert "Structures à reconfirmer" not in texte.content.decode()
