"""Lire un tableau brut : un CSV (séparateur, encodage détectés) ou une feuille de classeur.

Chaque tableau donne son en-tête puis ses lignes, en texte, avec le numéro de ligne du
fichier (l'en-tête est la ligne 1). Les fichiers poubelle (binaires, énormes, une ligne
sans fin) sont refusés tôt, sans tout charger en mémoire.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from moteur.erreurs import Probleme
from moteur.format.bornes import ERREURS_ARCHIVE, ClasseurRefuse, verifier_classeur

LIMITE_OCTETS = 200 * 1024 * 1024  # au-delà, ce n'est pas un fichier de session raisonnable
LIMITE_ENTETE = 64 * 1024  # caractères de la ligne d'en-tête
LIMITE_LIGNE = 1024 * 1024  # octets d'une ligne physique
# Lignes d'un tableau (CSV ou feuille) : un peu plus que le maximum d'Excel (1 048 576) ; le
# plus gros tableau réel, les élèves de seconde de toute la France, en compte 560 000.
LIMITE_LIGNES = 1_100_000
LIMITE_LIGNES_CLASSEUR = LIMITE_LIGNES
# Caractères d'un champ CSV : la limite par défaut du module csv ; une cellule réelle en compte
# moins de 1 000. La limite du module vaut pour tout le processus et d'autres lecteurs la
# changent (référentiel, GTFS) : on la repose avant chaque lecture (`_borner_champs`).
LIMITE_CHAMP = 131_072
TAILLE_PAQUET = 4096  # lignes lues et validées ensemble
# Octets de contrôle qu'un fichier texte ne contient pas (hors tabulation, retours, saut de page).
_CONTROLES = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_NON_CONTROLES = bytes(c for c in range(256) if c not in _CONTROLES)
# Colonnes de codes qu'un tableur enregistre en nombre en perdant les zéros de tête.
LARGEUR_CODES = {"commune_insee": 5, "siret": 14}


class FichierIllisible(Exception):
    """Le fichier entier est refusé (binaire, trop gros, vide, encodage inconnu…)."""

    def __init__(self, probleme: Probleme) -> None:
        self.probleme = probleme
        super().__init__(str(probleme))


PaquetBrut = tuple[list[int], list[list[str]]]


@dataclass(slots=True)
class Table:
    """Un tableau brut : en-tête normalisé et lignes de texte."""

    fichier: str  # nom affiché dans les messages (« eleves.csv » ou « session.xlsx, feuille … »)
    entete: list[str]
    # Les lignes par paquets : (numéros de ligne, lignes de cellules)
    paquets: Iterator[PaquetBrut]
    virgule_decimale: bool


def normaliser_entete(cellules: list[Any]) -> list[str]:
    return [("" if c is None else str(c)).strip().lstrip("\ufeff").lower() for c in cellules]


def verifier_taille(chemin: Path, nom: str) -> int:
    taille = chemin.stat().st_size
    if taille == 0:
        raise FichierIllisible(
            Probleme("le fichier est vide (0 octet) : il faut au moins la ligne d'en-tête", nom)
        )
    if taille > LIMITE_OCTETS:
        raise FichierIllisible(
            Probleme(
                f"le fichier pèse {taille // (1024 * 1024)} Mo, plus que la limite de "
                f"{LIMITE_OCTETS // (1024 * 1024)} Mo : ce n'est pas un fichier de session",
                nom,
            )
        )
    return taille


def _refuser_binaire(nom: str) -> FichierIllisible:
    return FichierIllisible(
        Probleme(
            "ce fichier n'est pas du texte (fichier binaire, classeur ou image ?) : enregistrez-le "
            "au format CSV, ou placez le classeur sous le nom session.xlsx",
            nom,
        )
    )


def _ligne_demesuree(nom: str) -> FichierIllisible:
    return FichierIllisible(
        Probleme(
            f"ligne démesurée (plus de {LIMITE_LIGNE // 1024} Ko de texte d'un seul tenant) : ce "
            "n'est pas un tableau de session",
            nom,
        )
    )


def _fin_de_ligne(bloc: bytes, depuis: int) -> int:
    """Position du premier saut de ligne (\\n ou \\r) du bloc à partir de `depuis`, ou -1."""
    n, r = bloc.find(b"\n", depuis), bloc.find(b"\r", depuis)
    return min(n, r) if n >= 0 and r >= 0 else max(n, r)


def detecter_encodage(chemin: Path, nom: str) -> str:
    """UTF-8 (avec ou sans BOM) si tout le fichier en est, sinon Windows-1252.

    Parcourt le fichier par blocs sans le garder en mémoire ; refuse un fichier binaire
    ou une ligne de plus de LIMITE_LIGNE octets (les blocs ont cette taille : une ligne
    plus longue chevauche forcément une frontière de blocs sans saut de ligne).
    """
    decodeur = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    sans_saut = 0  # octets depuis le dernier saut de ligne
    with chemin.open("rb") as fichier:
        premier = True
        while bloc := fichier.read(LIMITE_LIGNE):
            if b"\x00" in bloc:
                raise _refuser_binaire(nom)
            if premier:
                controles = len(bloc.translate(None, _NON_CONTROLES))
                if controles * 100 > len(bloc):
                    raise _refuser_binaire(nom)
                premier = False
            debut = _fin_de_ligne(bloc, 0)
            if debut < 0:
                sans_saut += len(bloc)
            else:
                sans_saut += debut
                if sans_saut > LIMITE_LIGNE:
                    raise _ligne_demesuree(nom)
                fin = max(bloc.rfind(b"\n"), bloc.rfind(b"\r"))
                sans_saut = len(bloc) - fin - 1
            if sans_saut > LIMITE_LIGNE:
                raise _ligne_demesuree(nom)
            if utf8:
                try:
                    decodeur.decode(bloc)
                    continue
                except UnicodeDecodeError:
                    utf8 = False
            try:
                bloc.decode("cp1252")
            except UnicodeDecodeError:
                raise FichierIllisible(
                    Probleme(
                        "encodage non reconnu : enregistrez le fichier en CSV UTF-8 "
                        "(ou Windows-1252)",
                        nom,
                    )
                ) from None
        if utf8:
            try:
                decodeur.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    return "utf-8-sig" if utf8 else "cp1252"


def detecter_separateur(entete: str) -> str:
    """`;` (exports des tableurs français) ou `,`, d'après la ligne d'en-tête."""
    return ";" if entete.count(";") > entete.count(",") else ","


def ouvrir_csv(chemin: Path, nom: str, limite_lignes: int = LIMITE_LIGNES) -> Table:
    """Ouvre un CSV ; les lignes se lisent ensuite à la demande (fichier fermé à la fin).

    Au-delà de `limite_lignes` lignes (en-tête comprise), la lecture s'arrête sur un refus."""
    verifier_taille(chemin, nom)
    encodage = detecter_encodage(chemin, nom)
    fichier = chemin.open(encoding=encodage, newline="")
    premiere = fichier.readline(LIMITE_ENTETE + 1)
    if len(premiere) > LIMITE_ENTETE:
        fichier.close()
        raise FichierIllisible(
            Probleme(
                f"la première ligne dépasse {LIMITE_ENTETE // 1024} Ko : ce n'est pas une ligne "
                "d'en-tête de tableau",
                nom,
                1,
            )
        )
    separateur = detecter_separateur(premiere)
    lecteur = csv.reader(chain([premiere], fichier), delimiter=separateur)
    try:
        _borner_champs()
        entete = normaliser_entete(next(lecteur, []))
    except csv.Error as exc:
        fichier.close()
        raise FichierIllisible(Probleme(_erreur_csv(exc), nom, 1)) from None
    paquets = _paquets_csv(lecteur, fichier, nom, limite_lignes)
    return Table(nom, entete, paquets, separateur == ";")


def _sauts(texte: str) -> int:
    return texte.count("\n") + texte.count("\r") - texte.count("\r\n")


def _borner_champs() -> None:
    """Repose la limite de taille d'un champ du module csv (globale au processus)."""
    csv.field_size_limit(LIMITE_CHAMP)


def _erreur_csv(exc: csv.Error) -> str:
    """Le message (en français) d'une erreur du module csv."""
    if "field larger than field limit" in str(exc):
        return f"un champ dépasse {_nombre(LIMITE_CHAMP)} caractères : ce n'est pas une cellule"
    if "new-line character seen in unquoted field" in str(exc):
        return "saut de ligne isolé hors d'une cellule entre guillemets"
    return "ligne illisible (guillemets mal fermés ?)"


def _nombre(n: int) -> str:
    """1 100 000 (espace insécable fine comme séparateur des milliers)."""
    return f"{n:,}".replace(",", "\u202f")


def trop_de_lignes(nom: str, limite: int, ligne: int) -> FichierIllisible:
    return FichierIllisible(
        Probleme(
            f"le tableau dépasse {_nombre(limite)} lignes (en-tête comprise) : découpez-le",
            nom,
            ligne,
        )
    )


def _paquets_csv(lecteur: Any, fichier: Any, nom: str, limite: int) -> Iterator[PaquetBrut]:
    """Les lignes par paquets, avec leur numéro (celui de leur première ligne physique)."""
    precedente = 1  # dernière ligne physique lue
    lues = 1  # lignes du tableau, en-tête comprise
    try:
        while True:
            try:
                _borner_champs()
                rangees = list(islice(lecteur, min(TAILLE_PAQUET, limite + 1 - lues)))
            except csv.Error as exc:
                raise FichierIllisible(Probleme(_erreur_csv(exc), nom, lecteur.line_num)) from None
            if not rangees:
                return
            lues += len(rangees)
            if lues > limite:  # une ligne de trop a été lue : la dernière
                raise trop_de_lignes(nom, limite, lecteur.line_num)
            if lecteur.line_num - precedente == len(rangees):  # une ligne physique chacune
                numeros = list(range(precedente + 1, lecteur.line_num + 1))
            else:  # des cellules sur plusieurs lignes : compter leurs sauts de ligne
                numeros = []
                numero = precedente + 1
                for rangee in rangees:
                    numeros.append(numero)
                    numero += 1 + sum(_sauts(c) for c in rangee if "\n" in c or "\r" in c)
            precedente = lecteur.line_num
            yield numeros, rangees
    finally:
        fichier.close()


# --- Classeur session.xlsx ------------------------------------------------------------------


def texte_cellule(valeur: Any, colonne: str) -> str:
    """Une cellule typée par le tableur, rendue comme elle s'écrirait dans un CSV."""
    if valeur is None:
        return ""
    if isinstance(valeur, str):
        return valeur
    if isinstance(valeur, bool):
        return "1" if valeur else "0"
    if isinstance(valeur, dt.datetime):
        if valeur.time() == dt.time(0, 0):
            return valeur.date().isoformat()
        return valeur.isoformat(sep=" ")
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    if isinstance(valeur, dt.time):
        return valeur.strftime("%H:%M")
    if isinstance(valeur, float) and valeur.is_integer() and abs(valeur) < 1e15:
        valeur = int(valeur)
    if isinstance(valeur, int):
        texte = str(valeur)
        largeur = LARGEUR_CODES.get(colonne)
        return texte.zfill(largeur) if largeur and valeur >= 0 else texte
    return repr(valeur) if isinstance(valeur, float) else str(valeur)


class Classeur:
    """Le classeur `session.xlsx` : une feuille par fichier, nommée comme lui sans `.csv`."""

    def __init__(self, chemin: Path, nom: str | None = None) -> None:
        """`nom` : le nom affiché (celui du fichier déposé), par défaut celui de `chemin`."""
        self.nom = nom or chemin.name
        verifier_taille(chemin, self.nom)
        try:
            verifier_classeur(chemin, self.nom)
        except ClasseurRefuse as exc:
            raise FichierIllisible(exc.probleme) from None
        except ERREURS_ARCHIVE:
            raise FichierIllisible(
                Probleme(
                    "ce n'est pas un classeur Excel (.xlsx) lisible (archive abîmée)", self.nom
                )
            ) from None
        try:
            import openpyxl  # type: ignore[import-untyped]

            self._classeur = openpyxl.load_workbook(chemin, read_only=True, data_only=True)
        except Exception:  # openpyxl lève des erreurs variées sur un fichier abîmé
            raise FichierIllisible(
                Probleme("ce n'est pas un classeur Excel (.xlsx) lisible", self.nom)
            ) from None
        self.feuilles = {f.strip().lower(): f for f in self._classeur.sheetnames}

    def fermer(self) -> None:
        self._classeur.close()

    def table(self, nom: str, limite_lignes: int = LIMITE_LIGNES) -> Table | None:
        feuille = self.feuilles.get(nom)
        if feuille is None:
            return None
        libelle = f"{self.nom}, feuille « {feuille} »"
        try:
            lignes = self._classeur[feuille].iter_rows(values_only=True)
            entete = normaliser_entete(list(next(lignes, ())))
        except Exception:
            raise FichierIllisible(Probleme("feuille illisible", libelle)) from None
        while entete and entete[-1] == "":
            entete.pop()
        paquets = self._paquets(lignes, entete, libelle, limite_lignes)
        return Table(libelle, entete, paquets, True)

    @staticmethod
    def _paquets(lignes: Any, entete: list[str], libelle: str, limite: int) -> Iterator[PaquetBrut]:
        largeur = len(entete)
        numero = 2
        try:
            while paquet := list(islice(lignes, TAILLE_PAQUET)):
                rangees = [
                    [texte_cellule(v, entete[i]) for i, v in enumerate(valeurs[:largeur])]
                    for valeurs in paquet
                ]
                yield list(range(numero, numero + len(rangees))), rangees
                numero += len(rangees)
                if numero > limite + 1:
                    raise trop_de_lignes(libelle, limite, limite + 1)
        except FichierIllisible:
            raise
        except Exception:
            raise FichierIllisible(Probleme("feuille illisible", libelle)) from None


def fichiers_du_dossier(dossier: Path) -> dict[str, Path]:
    """Les fichiers du dossier par nom en minuscules (« Eleves.CSV » vaut « eleves.csv »)."""
    return {nom.lower(): dossier / nom for nom in os.listdir(dossier) if (dossier / nom).is_file()}
