"""Effacer les données personnelles d'élèves : le cœur commun de la purge d'une session et
de la suppression d'un élève à la demande de son établissement.

Chaque fonction prend un queryset d'élèves (`Eleve`) et renvoie le nombre de lignes
touchées, par catégorie ; `simuler=True` compte sans rien modifier. Ce qui reste : l'élève
pseudonyme (identifiant, établissement, commune, domaines, boursier), ses affectations et
ses présences — de quoi tenir les statistiques, sans personne à qui les rattacher."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, OuterRef, Q, QuerySet, Subquery

from apps.conventions.models import Incident, Signature, VersionConvention
from apps.etablissements.models import IdentiteEleve
from apps.territoires.models import Commune


def _vides(modele: type[Model], champs: dict[str, Any]) -> dict[str, Any]:
    """Les champs à vider que le modèle possède : les conventions gagnent des champs (source
    HTML du PDF, scan d'une signature papier) sans que la purge les oublie ou casse."""
    presents = {f.name for f in modele._meta.get_fields()}
    return {nom: valeur for nom, valeur in champs.items() if nom in presents}


SIGNATURE_VIDE = {
    "email": "",
    "adresse_ip": None,
    "navigateur": "",
    "signe_par": "",
    "scan": None,
    "scan_type": "",
}
VERSION_VIDE = {"contenu": "", "pdf": None, "html": ""}


def _pas_vide(champs: dict[str, Any]) -> Q:
    """Au moins un des champs n'est pas déjà vide."""
    condition = Q()
    for nom, vide in champs.items():
        condition |= Q(**{f"{nom}__isnull": False}) if vide is None else ~Q(**{nom: vide})
    return condition


def identites(eleves: QuerySet, simuler: bool) -> int:
    """Noms, classes, adresses, téléphones, courriels des élèves et de leurs représentants."""
    cibles = IdentiteEleve.objects.filter(eleve__in=eleves)
    if simuler:
        return cibles.count()
    return cibles.delete()[0]


def preuves_de_signature(eleves: QuerySet, simuler: bool) -> int:
    """Courriel, adresse IP, navigateur, nom saisi et scan papier des signataires (la date,
    le rôle et les empreintes restent : la convention a bien été signée)."""
    champs = _vides(Signature, SIGNATURE_VIDE)
    cibles = Signature.objects.filter(version__convention__eleve__in=eleves).filter(
        _pas_vide(champs)
    )
    if simuler:
        return cibles.count()
    return cibles.update(**champs)


def documents_de_convention(eleves: QuerySet, simuler: bool) -> int:
    """Le contenu nominatif (JSON canonique) et le PDF des versions de convention ; les
    empreintes SHA-256 restent pour prouver ce qui a été signé."""
    champs = _vides(VersionConvention, VERSION_VIDE)
    cibles = VersionConvention.objects.filter(convention__eleve__in=eleves).filter(
        _pas_vide(champs)
    )
    if simuler:
        return cibles.count()
    return cibles.update(**champs)


def notes_d_incident(eleves: QuerySet, simuler: bool) -> int:
    """Les notes libres des incidents (elles peuvent nommer l'élève ou dire sa santé)."""
    cibles = Incident.objects.filter(eleve__in=eleves).exclude(note="")
    if simuler:
        return cibles.count()
    return cibles.update(note="")


def domiciles(eleves: QuerySet, simuler: bool) -> int:
    """La position précise du domicile devient le centre de la commune ; son motif part avec."""
    centre = Commune.objects.filter(pk=OuterRef("commune_id"))
    cibles = eleves.exclude(
        latitude=Subquery(centre.values("latitude")[:1]),
        longitude=Subquery(centre.values("longitude")[:1]),
        motif_position_precise="",
    )
    if simuler:
        return cibles.count()
    # Un UPDATE ne peut pas joindre : la sous-requête lit le centre de chaque commune.
    return eleves.model.objects.filter(pk__in=cibles.values("pk")).update(
        latitude=Subquery(centre.values("latitude")[:1]),
        longitude=Subquery(centre.values("longitude")[:1]),
        motif_position_precise="",
    )
