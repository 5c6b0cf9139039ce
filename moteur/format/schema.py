"""Les schémas des fichiers d'un dossier de session (Table Schema, Frictionless).

Les fichiers JSON de `schemas/` sont une copie du contrat publié (`format/schemas/`) ;
la validation des colonnes en est tirée directement, pour ne jamais écrire une règle deux fois.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# Fichiers d'entrée, dans l'ordre où on les lit (les références vont vers le haut).
FICHIERS_SESSION = ("etablissements", "structures", "projets", "eleves")
FICHIER_IDENTITES = "identites"
FICHIERS_PLAN = ("affectations", "planning")

MOTIF_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# Ce que veut dire chaque motif des schémas, pour un agent qui remplit un tableur.
DESCRIPTIONS_MOTIFS = {
    "^[0-9]{7}[A-Z]$": "n'est pas un UAI (7 chiffres puis une lettre majuscule, ex. 0141555P)",
    "^([0-9]{2}|2A|2B)[0-9]{3}$": (
        "n'est pas un code INSEE de commune (5 caractères, ex. 14118 ou 2A004)"
    ),
    "^[0-9]{14}$": "n'est pas un SIRET (14 chiffres)",
    "^[A-N](\\|[A-N])*$": (
        "n'est pas une liste de domaines ROME (lettres de A à N séparées par « | », ex. H|I)"
    ),
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}(\\|[0-9]{4}-[0-9]{2}-[0-9]{2})*$": (
        "n'est pas une liste de dates AAAA-MM-JJ séparées par « | » (ex. 2026-06-15|2026-06-16)"
    ),
    "^([01][0-9]|2[0-3]):[0-5][0-9]$": "n'est pas une heure HH:MM (ex. 09:00)",
    "^[^|]+(\\|[^|]+)*$": (
        "n'est pas une liste d'identifiants séparés par « | » sans valeur vide (ex. 61-025|14-003)"
    ),
}


@dataclass(frozen=True, slots=True)
class Champ:
    """Une colonne d'un fichier, avec ses contraintes."""

    nom: str
    type: str  # "string", "integer", "number" ou "date"
    requis: bool = False
    unique: bool = False
    motif: str = ""
    valeurs: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    email: bool = False

    @property
    def description_motif(self) -> str:
        return DESCRIPTIONS_MOTIFS.get(
            self.motif, f"ne respecte pas le format attendu ({self.motif})"
        )


@dataclass(frozen=True, slots=True)
class Schema:
    nom: str
    champs: tuple[Champ, ...]
    cle_primaire: tuple[str, ...]

    @property
    def fichier(self) -> str:
        return f"{self.nom}.csv"

    @property
    def colonnes(self) -> tuple[str, ...]:
        return tuple(c.nom for c in self.champs)

    @property
    def colonnes_requises(self) -> tuple[str, ...]:
        return tuple(c.nom for c in self.champs if c.requis)


def _champ(brut: dict[str, Any]) -> Champ:
    contraintes = brut.get("constraints", {})
    return Champ(
        nom=brut["name"],
        type=brut.get("type", "string"),
        requis=bool(contraintes.get("required", False)),
        unique=bool(contraintes.get("unique", False)),
        motif=contraintes.get("pattern", ""),
        valeurs=tuple(contraintes.get("enum", ())),
        minimum=contraintes.get("minimum"),
        maximum=contraintes.get("maximum"),
        email=brut.get("format") == "email",
    )


@cache
def schema(nom: str) -> Schema:
    """Le schéma du fichier `nom` (sans `.csv`), lu dans les données du paquet."""
    texte = resources.files("moteur.format").joinpath("schemas", f"{nom}.json").read_text("utf-8")
    brut = json.loads(texte)
    return Schema(
        nom=nom,
        champs=tuple(_champ(c) for c in brut["fields"]),
        cle_primaire=tuple(brut.get("primaryKey", ())),
    )


COLONNE_MOTIF_POSITION = "motif_position_precise"
"""Colonne en plus (permise par le contrat) de `eleves.csv` : le motif pour lequel la
plateforme garde latitude et longitude du domicile au lieu du centre de la commune."""


@cache
def schema_eleves_plateforme() -> Schema:
    """Le schéma de `eleves.csv` avec la colonne facultative `motif_position_precise`."""
    base = schema("eleves")
    return Schema(
        base.nom, (*base.champs, Champ(COLONNE_MOTIF_POSITION, "string")), base.cle_primaire
    )
