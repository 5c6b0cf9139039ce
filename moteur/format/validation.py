"""Valider les colonnes d'un tableau selon son schéma et collecter les problèmes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from moteur.erreurs import ErreurUtilisateur, Probleme
from moteur.format.schema import MOTIF_EMAIL, Champ, Schema
from moteur.format.sources import Table

MAX_PROBLEMES = 50
INVALIDE: Any = type("Invalide", (), {"__repr__": lambda self: "INVALIDE"})()
"""Valeur d'une cellule refusée (le problème est déjà noté) : ne pas en tirer d'autre erreur."""

_ENTIER = re.compile(r"[+-]?[0-9]+")
_NOMBRE = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_FR = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}")


class Collecteur:
    """Garde les 50 premiers problèmes et compte les suivants."""

    def __init__(self) -> None:
        self.problemes: list[Probleme] = []
        self.autres = 0

    def ajouter(
        self, message: str, fichier: str = "", ligne: int | None = None, colonne: str = ""
    ) -> None:
        self.ajouter_probleme(Probleme(message, fichier, ligne, colonne))

    def ajouter_probleme(self, probleme: Probleme) -> None:
        if len(self.problemes) < MAX_PROBLEMES:
            self.problemes.append(probleme)
        else:
            self.autres += 1

    def __bool__(self) -> bool:
        return bool(self.problemes)

    def lever_si_besoin(self) -> None:
        if not self.problemes:
            return
        problemes = list(self.problemes)
        if self.autres:
            pluriel = "s" if self.autres > 1 else ""
            problemes.append(Probleme(f"… et {self.autres} autre{pluriel} problème{pluriel}"))
        raise ErreurUtilisateur(problemes)


def citer(valeur: str) -> str:
    """« valeur », tronquée si c'est un déchet de plusieurs kilo-octets."""
    return f"« {valeur[:40]}… »" if len(valeur) > 40 else f"« {valeur} »"


class ValeurInvalide(Exception):
    pass


def _borner(champ: Champ, valeur: float, brut: str) -> None:
    if champ.minimum is not None and valeur < champ.minimum:
        raise ValeurInvalide(f"{citer(brut)} est inférieur au minimum permis ({champ.minimum})")
    if champ.maximum is not None and valeur > champ.maximum:
        raise ValeurInvalide(f"{citer(brut)} est supérieur au maximum permis ({champ.maximum})")


def convertisseur(champ: Champ, virgule_decimale: bool) -> Callable[[str], Any] | None:
    """La fonction qui vérifie et convertit une cellule non vide ; None : texte libre."""
    if champ.type == "integer":
        return lambda brut: _entier(champ, brut)
    if champ.type == "number":
        return lambda brut: _nombre(champ, brut, virgule_decimale)
    if champ.type == "date":
        return _date
    if not (champ.motif or champ.valeurs or champ.email):
        return None
    motif = re.compile(champ.motif) if champ.motif else None
    return lambda brut: _texte(champ, motif, brut)


def _entier(champ: Champ, brut: str) -> int:
    if not _ENTIER.fullmatch(brut):
        raise ValeurInvalide(f"{citer(brut)} n'est pas un nombre entier")
    valeur = int(brut)
    _borner(champ, valeur, brut)
    return valeur


def _nombre(champ: Champ, brut: str, virgule_decimale: bool) -> float:
    if not _NOMBRE.fullmatch(brut):
        raise ValeurInvalide(f"{citer(brut)} n'est pas un nombre (ex. 49.1832)")
    if "," in brut:
        if not virgule_decimale:
            raise ValeurInvalide(
                f"{citer(brut)} : la virgule décimale n'est permise qu'avec le séparateur « ; » "
                "(écrivez 49.1832)"
            )
        brut = brut.replace(",", ".")
    valeur = float(brut)
    _borner(champ, valeur, brut)
    return valeur


def _date(brut: str) -> date:
    if _DATE.fullmatch(brut):
        try:
            return date.fromisoformat(brut)
        except ValueError:
            raise ValeurInvalide(f"{citer(brut)} n'est pas une date qui existe") from None
    conseil = " : écrivez-la AAAA-MM-JJ (ex. 2010-03-14)" if _DATE_FR.fullmatch(brut) else ""
    raise ValeurInvalide(f"{citer(brut)} n'est pas une date AAAA-MM-JJ{conseil}")


def _texte(champ: Champ, motif: re.Pattern[str] | None, brut: str) -> str:
    if motif is not None and not motif.fullmatch(brut):
        raise ValeurInvalide(f"{citer(brut)} {champ.description_motif}")
    if champ.valeurs and brut not in champ.valeurs:
        permises = ", ".join(champ.valeurs)
        raise ValeurInvalide(f"{citer(brut)} n'est pas une valeur permise ({permises} ou vide)")
    if champ.email and not MOTIF_EMAIL.fullmatch(brut):
        raise ValeurInvalide(f"{citer(brut)} n'est pas une adresse électronique")
    return brut


def verifier_entete(table: Table, schema: Schema, collecteur: Collecteur) -> bool:
    """Colonnes obligatoires présentes et non dupliquées ; False : fichier inutilisable."""
    ok = True
    connues = set(schema.colonnes)
    vues: set[str] = set()
    for nom in table.entete:
        if nom in connues and nom in vues:
            collecteur.ajouter(f"la colonne « {nom} » apparaît deux fois", table.fichier, 1, nom)
            ok = False
        vues.add(nom)
    trouvees = ", ".join(n for n in table.entete if n) or "aucune"
    for nom in schema.colonnes_requises:
        if nom not in vues:
            collecteur.ajouter(
                f"colonne obligatoire « {nom} » absente (colonnes trouvées : {trouvees[:300]})",
                table.fichier,
                1,
                nom,
            )
            ok = False
    return ok


@dataclass(slots=True)
class Paquet:
    """Quelques milliers de lignes validées, rangées par colonne (une liste par colonne).

    Une cellule vide (ou une colonne optionnelle absente) vaut None, une cellule refusée
    INVALIDE (son problème est déjà noté) ; `ok[j]` : la ligne j n'a aucune erreur.
    """

    numeros: list[int]
    colonnes: dict[str, list[Any]]
    ok: list[bool]


def _rapide(champ: Champ, virgule_decimale: bool, valeurs: list[str]) -> list[Any] | None:
    """Conversion d'une colonne entière sans erreur ; None dès qu'il faut regarder de près."""
    remplies = [v for v in valeurs if v]
    if champ.requis and len(remplies) != len(valeurs):
        return None
    converties: list[Any]
    try:
        if champ.type == "integer":
            if not all(map(_ENTIER.fullmatch, remplies)):
                return None
            converties = [int(v) if v else None for v in valeurs]
        elif champ.type == "number":
            if not all(map(_NOMBRE.fullmatch, remplies)):
                return None
            if any("," in v for v in remplies):
                if not virgule_decimale:
                    return None
                valeurs = [v.replace(",", ".") for v in valeurs]
            converties = [float(v) if v else None for v in valeurs]
        elif champ.type == "date":
            if not all(map(_DATE.fullmatch, remplies)):
                return None
            converties = [date.fromisoformat(v) if v else None for v in valeurs]
        else:
            if champ.motif and not all(map(_motif(champ.motif).fullmatch, remplies)):
                return None
            if champ.valeurs and not set(remplies) <= set(champ.valeurs):
                return None
            if champ.email and not all(map(MOTIF_EMAIL.fullmatch, remplies)):
                return None
            return [v or None for v in valeurs]
    except ValueError:
        return None
    if champ.minimum is not None or champ.maximum is not None:
        nombres = [v for v in converties if v is not None]
        if nombres and (
            (champ.minimum is not None and min(nombres) < champ.minimum)
            or (champ.maximum is not None and max(nombres) > champ.maximum)
        ):
            return None
    return converties


@cache
def _motif(motif: str) -> re.Pattern[str]:
    return re.compile(motif)


def _lent(
    champ: Champ,
    convertir: Callable[[str], Any] | None,
    valeurs: list[str],
    numeros: list[int],
    ok: list[bool],
    fichier: str,
    collecteur: Collecteur,
) -> list[Any]:
    """Cellule par cellule, pour noter chaque problème à sa ligne."""
    resultat: list[Any] = []
    for j, brut in enumerate(valeurs):
        if not brut:
            resultat.append(None)
            if champ.requis:
                collecteur.ajouter("valeur obligatoire manquante", fichier, numeros[j], champ.nom)
                ok[j] = False
            continue
        try:
            resultat.append(brut if convertir is None else convertir(brut))
        except ValeurInvalide as exc:
            collecteur.ajouter(str(exc), fichier, numeros[j], champ.nom)
            resultat.append(INVALIDE)
            ok[j] = False
    return resultat


def _unicite(
    champ: Champ,
    valeurs: list[Any],
    numeros: list[int],
    ok: list[bool],
    vus: dict[Any, int],
    fichier: str,
    collecteur: Collecteur,
) -> None:
    nouveaux = set(valeurs)
    if len(nouveaux) == len(valeurs) and None not in nouveaux and vus.keys().isdisjoint(nouveaux):
        vus.update(zip(valeurs, numeros, strict=True))
        return
    for j, valeur in enumerate(valeurs):
        if valeur is None or valeur is INVALIDE:
            continue
        precedente = vus.setdefault(valeur, numeros[j])
        if precedente != numeros[j]:
            collecteur.ajouter(
                f"{citer(str(valeur))} est déjà utilisé ligne {precedente} "
                "(chaque valeur de cette colonne doit être unique)",
                fichier,
                numeros[j],
                champ.nom,
            )
            ok[j] = False


def _non_vide(cellules: list[str]) -> bool:
    return any(c.strip() for c in cellules)


def paquets_valides(table: Table, schema: Schema, collecteur: Collecteur) -> Iterator[Paquet]:
    """Les lignes non vides du tableau, validées colonne par colonne, par paquets.

    Les colonnes inconnues sont ignorées. L'en-tête doit avoir été accepté par
    `verifier_entete`.
    """
    index = {nom: i for i, nom in enumerate(table.entete)}
    presents = [
        (index[c.nom], c, convertisseur(c, table.virgule_decimale))
        for c in schema.champs
        if c.nom in index
    ]
    absentes = [c.nom for c in schema.champs if c.nom not in index]
    deja_vus: dict[str, dict[Any, int]] = {c.nom: {} for c in schema.champs if c.unique}
    largeur = max(index.values(), default=-1) + 1
    for numeros, rangees in table.paquets:
        if not all(map(any, rangees)):  # lignes vides : les retirer
            garder = [j for j, c in enumerate(rangees) if _non_vide(c)]
            numeros = [numeros[j] for j in garder]
            rangees = [rangees[j] for j in garder]
        if not rangees:
            continue
        if min(map(len, rangees)) < largeur:
            rangees = [c if len(c) >= largeur else c + [""] * (largeur - len(c)) for c in rangees]
        transposees = list(zip(*rangees, strict=False))
        ok = [True] * len(numeros)
        colonnes: dict[str, list[Any]] = {nom: [None] * len(numeros) for nom in absentes}
        for i, champ, convertir in presents:
            valeurs = list(map(str.strip, transposees[i]))
            converties = _rapide(champ, table.virgule_decimale, valeurs)
            if converties is None:
                converties = _lent(
                    champ, convertir, valeurs, numeros, ok, table.fichier, collecteur
                )
            if champ.unique:
                _unicite(
                    champ, converties, numeros, ok, deja_vus[champ.nom], table.fichier, collecteur
                )
            colonnes[champ.nom] = converties
        yield Paquet(numeros, colonnes, ok)


def lignes_validees(
    table: Table, schema: Schema, collecteur: Collecteur
) -> Iterator[tuple[int, dict[str, Any], bool]]:
    """(numéro de ligne, valeurs par colonne, ligne sans erreur) pour chaque ligne non vide."""
    for paquet in paquets_valides(table, schema, collecteur):
        noms = list(paquet.colonnes)
        for j, rangee in enumerate(zip(*paquet.colonnes.values(), strict=True)):
            yield paquet.numeros[j], dict(zip(noms, rangee, strict=True)), paquet.ok[j]
