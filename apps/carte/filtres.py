"""Les projets montrés au public (carte et liste) et leurs filtres.

Un projet est sur la carte dès qu'il est validé (« validation finale du stage collectif
pour le cartographier », dit le cahier des charges) ; publié, il l'est aussi.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.db.models.functions import Greatest

from apps.campagnes.models import Session
from apps.projets.models import STATUTS_VALIDES, Projet
from apps.territoires.models import Departement, Epci
from moteur.modele import DOMAINES_ROME
from moteur.referentiel import CODES_NORMANDIE

STATUTS_CARTE = STATUTS_VALIDES
CONTOURS_RELIES = (
    "commune__contour",
    "commune__departement__contour",
    "commune__epci__contour",
    "epci__contour",
)


def projets_sur_la_carte(session: Session | None) -> QuerySet[Projet]:
    """Projets validés ou publiés de la session, avec leurs places restantes annotées."""
    if session is None:
        return Projet.objects.none()
    return (
        Projet.objects.de_la_session(session)
        .filter(statut__in=STATUTS_CARTE)
        .select_related("commune", "commune__departement", "commune__epci", "epci")
        # Les contours (GeoJSON de plusieurs kilo-octets) ne servent pas ici.
        .defer(*CONTOURS_RELIES)
        .annotate(
            places_pourvues=Count(
                "affectations",
                filter=Q(affectations__publiee=True, affectations__projet__isnull=False),
            )
        )
        .annotate(
            places_restantes=Greatest(
                F("places") - F("places_pourvues"), 0, output_field=IntegerField()
            )
        )
        .order_by("nom", "pk")
    )


class FiltresCarte(forms.Form):
    """Formulaire GET de la carte et de la liste publique : tous les champs sont facultatifs."""

    type = forms.ChoiceField(label="Type de stage", required=False)
    secteur = forms.ChoiceField(label="Secteur (domaine ROME)", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    epci = forms.ChoiceField(label="Intercommunalité (EPCI)", required=False)
    places_min = forms.IntegerField(
        label="Places restantes (au moins)", required=False, min_value=0, max_value=1000
    )

    def __init__(self, *args, session: Session | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        tous = [("", "Tous")]
        self.fields["type"].choices = tous + [
            (t.value, libelle) for t, libelle in Projet.LIBELLES_TYPE.items()
        ]
        self.fields["secteur"].choices = tous + [
            (code, f"{code} — {libelle}") for code, libelle in DOMAINES_ROME.items()
        ]
        self.fields["departement"].choices = tous + [
            (d.code, str(d))
            for d in Departement.objects.filter(code__in=CODES_NORMANDIE)
            .only("code", "nom")
            .order_by("code")
        ]
        self.fields["epci"].choices = tous + [(e.code, e.nom) for e in _epci_des_projets(session)]

    def filtrer(self, projets: QuerySet[Projet]) -> QuerySet[Projet]:
        if not self.is_valid():
            return projets
        donnees = self.cleaned_data
        if donnees["type"]:
            projets = projets.filter(type=donnees["type"])
        if donnees["secteur"]:
            # « H|I » : une lettre seule ne peut pas en chevaucher une autre.
            projets = projets.filter(
                pk__in=Projet.structures.through.objects.filter(
                    structureaccueil__domaines__contains=donnees["secteur"]
                ).values("projet_id")
            )
        if donnees["departement"]:
            projets = projets.filter(commune__departement_id=donnees["departement"])
        if donnees["epci"]:
            projets = projets.filter(
                Q(epci_id=donnees["epci"]) | Q(epci__isnull=True, commune__epci_id=donnees["epci"])
            )
        if donnees["places_min"]:
            projets = projets.filter(places_restantes__gte=donnees["places_min"])
        return projets

    @property
    def actif(self) -> bool:
        return self.is_valid() and any(v not in (None, "") for v in self.cleaned_data.values())


def _epci_des_projets(session: Session | None) -> QuerySet[Epci]:
    """Seuls les EPCI où la carte montre au moins un projet valent d'être proposés."""
    if session is None:
        return Epci.objects.none()
    sur_carte = Projet.objects.de_la_session(session).filter(statut__in=STATUTS_CARTE)
    return (
        Epci.objects.filter(Q(projets__in=sur_carte) | Q(communes__projets__in=sur_carte))
        .only("code", "nom")
        .distinct()
        .order_by("nom")
    )
