"""Adaptateur : un projet de la base → `moteur.vigilance.ProjetVigilance`, puis les points.

Lecture en un nombre fixe de requêtes (structures, groupes avec leurs effectifs, créneaux,
âges des élèves affectés), quelle que soit la taille du projet.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from apps.etablissements.models import Eleve
from apps.projets.models import Creneau, Groupe, Projet
from apps.structures.models import StructureAccueil
from moteur import vigilance as v
from moteur.modele import Point, age_le
from moteur.rotation.groupes import tailles_equilibrees


def site(structure: StructureAccueil) -> v.SiteVigilance:
    return v.SiteVigilance(
        id=str(structure.pk),
        nom=structure.nom,
        point=Point(structure.latitude, structure.longitude),
        accueil_max=structure.accueil_max,
        heure_debut=structure.heure_debut,
        heure_fin=structure.heure_fin,
        pause_minutes=structure.pause_minutes,
        age_min=structure.age_min,
        domaines=tuple(structure.liste_domaines),
        observation_seulement=structure.observation_seulement,
        jours=tuple(structure.dates_accueil),
    )


def tailles_des_groupes(projet: Projet, groupes: list[Groupe]) -> dict[str, int]:
    """Effectif réel de chaque groupe s'il y a des élèves affectés, sinon les places du
    projet réparties également entre les groupes."""
    if not groupes:
        return {}
    if any(g.effectif for g in groupes):
        return {g.libelle: g.effectif for g in groupes}
    tailles = tailles_equilibrees(projet.places, len(groupes))
    return {g.libelle: t for g, t in zip(groupes, tailles, strict=True)}


def projet_vigilance(projet: Projet) -> v.ProjetVigilance:
    session = projet.session
    structures = list(projet.structures.order_by("nom"))
    groupes = list(
        Groupe.objects.filter(projet=projet)
        .annotate(effectif=Count("affectations"))
        .order_by("libelle")
    )
    libelles = {g.pk: g.libelle for g in groupes}
    creneaux = Creneau.objects.filter(groupe__projet=projet).order_by("groupe", "date")
    # Les élèves placés, par la relation inverse de leur affectation (la planification
    # dépend des projets, pas l'inverse).
    naissances = Eleve.objects.filter(affectation__projet=projet).values_list(
        "date_naissance", flat=True
    )
    return v.ProjetVigilance(
        nom=projet.nom,
        rendez_vous=Point(projet.latitude, projet.longitude),
        places=projet.places,
        sites=tuple(site(s) for s in structures),
        distance_max_km=session.distance_max_km,
        jours_ouvres=session.jours_ouvres,
        porteur=projet.porteur.nom if projet.porteur_id else "",
        referent=projet.referent,
        referent_telephone=projet.referent_telephone,
        outil_pedagogique=projet.outil_pedagogique,
        restitution_prevue=projet.restitution_prevue,
        groupes=tailles_des_groupes(projet, groupes),
        creneaux=tuple(
            v.Creneau(libelles[c.groupe_id], c.date, str(c.structure_id)) for c in creneaux
        ),
        ages_eleves=tuple(sorted(Counter(age_le(n, session.date_debut) for n in naissances))),
    )


def points_de_vigilance(projet: Projet) -> list[v.PointVigilance]:
    return v.evaluer(projet_vigilance(projet))


def bloquants(projet: Projet) -> list[v.PointVigilance]:
    return v.bloquants(points_de_vigilance(projet))
