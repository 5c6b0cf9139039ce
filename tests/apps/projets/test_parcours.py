"""Parcours du porteur en cinq étapes, par le client de test."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from apps.comptes.models import Role, Utilisateur
from apps.projets.models import Creneau, Groupe, Porteur, Projet
from tests.apps.fabriques import (
    CommuneFactory,
    PorteurFactory,
    ProjetFactory,
    StructureAccueilFactory,
)

pytestmark = pytest.mark.django_db


def test_parcours_complet_jusqu_a_la_soumission(client, session_active, porteur_user):
    client.force_login(porteur_user)
    commune = CommuneFactory(nom="Falaise")
    existante = StructureAccueilFactory(session=session_active, commune=commune)

    # 1. Zone
    reponse = client.post(
        reverse("projets:creer"),
        {
            "nom": "Falaise, santé et industrie",
            "type": "multi-secteurs",
            "places": "8",
            "commune": f"Falaise ({commune.code})",
            "zone_epci": "on",
            "lieu_rendez_vous": "Gare routière",
        },
    )
    projet = Projet.objects.get(nom="Falaise, santé et industrie")
    assert reponse.url == reverse("projets:structures", args=[projet.pk])
    assert projet.session == session_active
    assert projet.epci_id == commune.epci_id
    assert (projet.latitude, projet.longitude) == (commune.latitude, commune.longitude)
    assert list(projet.gestionnaires.all()) == [porteur_user]

    # 2. Inviter une structure (compte créé, courriel envoyé), puis choisir
    url = reverse("projets:structures", args=[projet.pk])
    reponse = client.post(
        url,
        {
            "inviter": "1",
            "nom": "Hôpital de Falaise",
            "commune": commune.code,
            "domaines": ["J"],
            "accueil_max": "4",
            "email_gestionnaire": "Accueil@Hopital.fr",
        },
    )
    assert reponse.status_code == 302
    invitee = projet.structures.get(nom="Hôpital de Falaise")
    gestionnaire = invitee.gestionnaires.get()
    assert (gestionnaire.email, gestionnaire.role) == ("accueil@hopital.fr", Role.STRUCTURE)
    assert not gestionnaire.has_usable_password()
    assert len(mail.outbox) == 1
    assert "/comptes/activer/" in mail.outbox[0].body
    page = client.get(url)
    assert "Hôpital de Falaise" in page.content.decode()
    assert existante.nom in page.content.decode()
    reponse = client.post(
        url,
        {"choisir": "1", "structures": [existante.pk, invitee.pk], "secteurs": "Santé, industrie"},
    )
    assert reponse.url == reverse("projets:porteur", args=[projet.pk])
    assert set(projet.structures.all()) == {existante, invitee}

    # 3. Nouveau porteur : l'auteur en devient gestionnaire
    reponse = client.post(
        reverse("projets:porteur", args=[projet.pk]),
        {
            "porteur": "",
            "nouveau-nom": "CC Pays de Falaise",
            "nouveau-type": "collectivite",
        },
    )
    assert reponse.url == reverse("projets:programme", args=[projet.pk])
    porteur = Porteur.objects.get(nom="CC Pays de Falaise")
    assert list(porteur.gestionnaires.all()) == [porteur_user]

    # 4. Programme : proposition, puis encadrement
    client.post(reverse("projets:proposer", args=[projet.pk]), {"eleves": "8"})
    groupes = Groupe.objects.filter(projet=projet).count()
    assert groupes >= 2  # 8 élèves, des structures de 5 et 4 places
    assert Creneau.objects.filter(groupe__projet=projet).count() == groupes * 10  # 10 jours
    reponse = client.post(
        reverse("projets:programme", args=[projet.pk]),
        {
            "referent": "Ana Lopez",
            "referent_telephone": "0231000000",
            "outil_pedagogique": "Film de 2 minutes",
            "restitution_prevue": "on",
        },
    )
    assert reponse.url == reverse("projets:soumission", args=[projet.pk])

    # 5. Soumission
    page = client.get(reverse("projets:soumission", args=[projet.pk]))
    assert "Points de vigilance" in page.content.decode()
    client.post(reverse("projets:soumission", args=[projet.pk]))
    projet.refresh_from_db()
    assert projet.statut == Projet.Statut.SOUMIS
    # Soumis : le parcours n'est plus modifiable par le porteur.
    assert client.get(reverse("projets:zone", args=[projet.pk])).status_code == 302
    reponse = client.post(reverse("projets:proposer", args=[projet.pk]), {"eleves": "5"})
    assert reponse.status_code == 403


def test_zone_formulaire_invalide_reste_sur_la_page(client, session_active, porteur_user):
    client.force_login(porteur_user)
    reponse = client.post(reverse("projets:creer"), {"nom": "", "commune": "Nulle-part"})
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Commune introuvable" in contenu
    assert 'role="alert"' in contenu
    assert not Projet.objects.exists()


def test_sans_session_active(client, porteur_user):
    client.force_login(porteur_user)
    reponse = client.get(reverse("projets:creer"))
    assert reponse.status_code == 302


def test_porteur_d_un_autre_refuse_et_sans_acces_a_ses_projets(
    client, session_active, porteur_user
):
    autre = PorteurFactory()
    secret = ProjetFactory(session=session_active, porteur=autre, nom="Projet d'un autre")
    projet = ProjetFactory(session=session_active, porteur=None, gestionnaires=[porteur_user])
    client.force_login(porteur_user)
    reponse = client.post(reverse("projets:porteur", args=[projet.pk]), {"porteur": autre.pk})
    assert reponse.status_code == 200
    assert "porteur dont vous êtes gestionnaire" in reponse.context["choix"].errors["porteur"][0]
    projet.refresh_from_db()
    assert projet.porteur is None
    assert client.get(reverse("projets:detail", args=[secret.pk])).status_code == 404


def test_zone_geojson(client, projet_complet, porteur_user):
    client.force_login(porteur_user)
    donnees = client.get(reverse("projets:zone_geojson", args=[projet_complet.pk])).json()
    genres = [f["properties"]["genre"] for f in donnees["features"]]
    assert genres == ["rendez-vous", "structure", "structure"]
    assert donnees["features"][0]["geometry"]["coordinates"] == [
        projet_complet.longitude,
        projet_complet.latitude,
    ]


def test_grille_case_htmx_reverifie(client, projet_complet, porteur_user):
    projet_complet.statut = Projet.Statut.BROUILLON
    projet_complet.save()
    client.force_login(porteur_user)
    client.post(reverse("projets:proposer", args=[projet_complet.pk]), {"eleves": "10"})
    groupe_a, groupe_b = Groupe.objects.filter(projet=projet_complet).order_by("libelle")
    lundi = projet_complet.session.date_debut
    structure = Creneau.objects.get(groupe=groupe_a, date=lundi).structure
    # Les deux groupes de 5 dans la même structure de 5 places : case bloquante.
    reponse = client.post(
        reverse("projets:case", args=[projet_complet.pk]),
        {
            "groupe": groupe_b.pk,
            "jour": lundi.isoformat(),
            f"case-{groupe_b.pk}-{lundi.isoformat()}": structure.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert 'id="programme-vivant"' in contenu
    assert "10 élèves pour 5 places" in contenu
    assert "<html" not in contenu
    assert Creneau.objects.get(groupe=groupe_b, date=lundi).structure == structure
    # Vider la case
    client.post(
        reverse("projets:case", args=[projet_complet.pk]),
        {"groupe": groupe_b.pk, "jour": lundi.isoformat(), "structure": ""},
    )
    assert not Creneau.objects.filter(groupe=groupe_b, date=lundi).exists()


def test_grille_refuse_structure_hors_projet_et_jour_hors_session(
    client, projet_complet, porteur_user, session_active
):
    projet_complet.statut = Projet.Statut.BROUILLON
    projet_complet.save()
    client.force_login(porteur_user)
    client.post(reverse("projets:proposer", args=[projet_complet.pk]), {"eleves": "5"})
    groupe = Groupe.objects.get(projet=projet_complet)
    etrangere = StructureAccueilFactory(session=session_active)
    url = reverse("projets:case", args=[projet_complet.pk])
    assert (
        client.post(
            url, {"groupe": groupe.pk, "jour": "2026-06-15", "structure": etrangere.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(url, {"groupe": groupe.pk, "jour": "2026-06-20", "structure": ""}).status_code
        == 400
    )


def test_grille_sans_javascript(client, projet_complet, porteur_user):
    projet_complet.statut = Projet.Statut.BROUILLON
    projet_complet.save()
    client.force_login(porteur_user)
    client.post(reverse("projets:proposer", args=[projet_complet.pk]), {"eleves": "5"})
    groupe = Groupe.objects.get(projet=projet_complet)
    s = projet_complet.structures.order_by("nom").last()
    client.post(
        reverse("projets:grille", args=[projet_complet.pk]),
        {f"case-{groupe.pk}-2026-06-16": s.pk, f"case-{groupe.pk}-2026-06-17": ""},
    )
    assert Creneau.objects.get(groupe=groupe, date="2026-06-16").structure == s
    assert not Creneau.objects.filter(groupe=groupe, date="2026-06-17").exists()


def test_invitation_reutilise_un_compte_existant(client, session_active, porteur_user):
    existant = Utilisateur.objects.create(
        username="deja", email="deja@exemple.fr", role=Role.STRUCTURE
    )
    projet = ProjetFactory(session=session_active, gestionnaires=[porteur_user])
    client.force_login(porteur_user)
    client.post(
        reverse("projets:structures", args=[projet.pk]),
        {
            "inviter": "1",
            "nom": "Garage",
            "commune": projet.commune.code,
            "domaines": ["I"],
            "accueil_max": "3",
            "email_gestionnaire": "DEJA@exemple.fr",
        },
    )
    assert projet.structures.get(nom="Garage").gestionnaires.get() == existant
