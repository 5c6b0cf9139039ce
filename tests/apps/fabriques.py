"""Fabriques factory_boy communes à tous les tests de la plateforme.

Les autres aides peuvent AJOUTER des fabriques à la fin de ce fichier, sans modifier
celles qui existent. Tout se crée autour de Caen (Calvados), session du 15 au 26 juin 2026.

Exemples :
    UtilisateurFactory(coordinateur=True)
    UtilisateurFactory(porteur=True)          # rôle « porteur de projet »
    ProjetFactory(porteur=PorteurFactory(gestionnaires=[utilisateur]))
    CreneauFactory(groupe=groupe, structure=structure, date=date(2026, 6, 15))
"""

from __future__ import annotations

from datetime import date, time

import factory
from factory.django import DjangoModelFactory

from apps.campagnes.models import Session
from apps.comptes.models import Role, Utilisateur
from apps.etablissements.models import Eleve, Etablissement, IdentiteEleve
from apps.planification.models import Affectation, Voeu
from apps.projets.models import Creneau, Groupe, Porteur, Projet
from apps.structures.models import StructureAccueil
from apps.territoires.models import Commune, Departement, Epci
from moteur.modele import TypeProjet

MOT_DE_PASSE = "mot-de-passe-de-test-42"
CAEN = (49.1829, -0.3707)


def _m2m(attribut: str):
    """Post-génération d'un ManyToMany : `XFactory(gestionnaires=[u1, u2])`."""

    def _ajouter(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, attribut).add(*extracted)

    return factory.PostGeneration(_ajouter)


class UtilisateurFactory(DjangoModelFactory):
    """Un compte ; le mot de passe est MOT_DE_PASSE. Traits : coordinateur, porteur,
    structure, etablissement."""

    class Meta:
        model = Utilisateur
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    role = ""
    password = factory.django.Password(MOT_DE_PASSE)

    class Params:
        coordinateur = factory.Trait(role=Role.COORDINATEUR)
        porteur = factory.Trait(role=Role.PORTEUR)
        structure = factory.Trait(role=Role.STRUCTURE)
        etablissement = factory.Trait(role=Role.ETABLISSEMENT)


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "14"
    nom = "Calvados"


class EpciFactory(DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"2{n:08d}")
    nom = factory.Sequence(lambda n: f"Communauté de communes n° {n}")
    type = "CC"


class CommuneFactory(DjangoModelFactory):
    """Une commune près de Caen, décalée d'environ 1 km vers l'est (au plus 7 km)."""

    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{14000 + n % 86000:05d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EpciFactory)
    population = 5000
    latitude = CAEN[0]
    longitude = factory.Sequence(lambda n: CAEN[1] + (n % 8) * 0.0137)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    nom = factory.Sequence(lambda n: f"Stages collectifs de seconde 2026 ({n})")
    date_debut = date(2026, 6, 15)
    date_fin = date(2026, 6, 26)
    jours_feries = factory.LazyFunction(list)
    distance_max_km = 25.0
    statut = Session.Statut.PREPARATION
    est_active = True


class EtablissementFactory(DjangoModelFactory):
    class Meta:
        model = Etablissement
        skip_postgeneration_save = True

    uai = factory.Sequence(lambda n: f"{140000 + n:07d}A")
    nom = factory.Sequence(lambda n: f"Lycée n° {n}")
    commune = factory.SubFactory(CommuneFactory)
    latitude = factory.SelfAttribute("commune.latitude")
    longitude = factory.SelfAttribute("commune.longitude")
    email = factory.LazyAttribute(lambda o: f"ce.{o.uai.lower()}@ac-normandie.fr")
    gestionnaires = _m2m("gestionnaires")


class EleveFactory(DjangoModelFactory):
    """Un élève pseudonyme de 16 ans au début de la session."""

    class Meta:
        model = Eleve

    session = factory.SubFactory(SessionFactory)
    identifiant = factory.Sequence(lambda n: f"E{n:05d}")
    etablissement = factory.SubFactory(EtablissementFactory)
    date_naissance = date(2010, 3, 1)
    genre = Eleve.Genre.FILLE
    commune = factory.SelfAttribute("etablissement.commune")
    latitude = factory.SelfAttribute("commune.latitude")
    longitude = factory.SelfAttribute("commune.longitude")
    domaines = "J"
    ordre = factory.Sequence(lambda n: n)


class IdentiteEleveFactory(DjangoModelFactory):
    class Meta:
        model = IdentiteEleve

    eleve = factory.SubFactory(EleveFactory)
    nom = factory.Sequence(lambda n: f"Durand{n}")
    prenom = "Alex"
    classe = "2nde B"


class StructureAccueilFactory(DjangoModelFactory):
    """Une structure ouverte tous les jours ouvrés, 5 élèves par jour, 9 h – 16 h 30."""

    class Meta:
        model = StructureAccueil
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    identifiant = factory.Sequence(lambda n: f"S{n:04d}")
    nom = factory.Sequence(lambda n: f"Entreprise n° {n}")
    domaines = "H"
    commune = factory.SubFactory(CommuneFactory)
    latitude = factory.SelfAttribute("commune.latitude")
    longitude = factory.SelfAttribute("commune.longitude")
    accueil_max = 5
    jours = factory.LazyFunction(list)
    age_min = 14
    heure_debut = time(9, 0)
    heure_fin = time(16, 30)
    pause_minutes = 60
    tuteur = "Dominique Petit"
    tuteur_email = factory.LazyAttribute(lambda o: f"tuteur.{o.identifiant.lower()}@exemple.fr")
    gestionnaires = _m2m("gestionnaires")


class PorteurFactory(DjangoModelFactory):
    class Meta:
        model = Porteur
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Communauté de communes porteuse n° {n}")
    type = Porteur.Type.COLLECTIVITE
    representant = "Claude Président"
    email = factory.Sequence(lambda n: f"porteur{n}@exemple.fr")
    gestionnaires = _m2m("gestionnaires")


class ProjetFactory(DjangoModelFactory):
    """Un projet en brouillon, 10 places, rendez-vous au point de sa commune.

    `structures=[s1, s2]` et `gestionnaires=[u]` (comptes qui éditent le brouillon)."""

    class Meta:
        model = Projet
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    identifiant = factory.Sequence(lambda n: f"P{n:04d}")
    nom = factory.Sequence(lambda n: f"Découverte des métiers n° {n}")
    type = TypeProjet.MULTI_SECTEURS.value
    secteurs = "Industrie, santé"
    commune = factory.SubFactory(CommuneFactory)
    latitude = factory.SelfAttribute("commune.latitude")
    longitude = factory.SelfAttribute("commune.longitude")
    lieu_rendez_vous = "Parvis de la mairie"
    places = 10
    porteur = factory.SubFactory(PorteurFactory)
    structures = _m2m("structures")
    gestionnaires = _m2m("gestionnaires")

    class Params:
        sans_porteur = factory.Trait(porteur=None)


class VoeuFactory(DjangoModelFactory):
    class Meta:
        model = Voeu

    eleve = factory.SubFactory(EleveFactory)
    projet = factory.SubFactory(ProjetFactory, session=factory.SelfAttribute("..eleve.session"))
    rang = 1


class GroupeFactory(DjangoModelFactory):
    class Meta:
        model = Groupe

    projet = factory.SubFactory(ProjetFactory)
    libelle = factory.Sequence(lambda n: f"Groupe {n}")


class AffectationFactory(DjangoModelFactory):
    """Un élève placé sur son premier vœu (passer projet=None, rang=None : non placé)."""

    class Meta:
        model = Affectation

    eleve = factory.SubFactory(EleveFactory)
    projet = factory.SubFactory(ProjetFactory, session=factory.SelfAttribute("..eleve.session"))
    rang = 1
    groupe = None


class CreneauFactory(DjangoModelFactory):
    class Meta:
        model = Creneau

    groupe = factory.SubFactory(GroupeFactory)
    date = date(2026, 6, 15)
    structure = factory.SubFactory(
        StructureAccueilFactory, session=factory.SelfAttribute("..groupe.projet.session")
    )
