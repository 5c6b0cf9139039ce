"""Lecture d'un flux GTFS (archive zip) : tables, heures, dates, erreurs localisées.

Choix du lecteur : le module `csv` de la bibliothèque standard, et non partridge ou
gtfs-kit. Les deux lisent le flux dans des DataFrames pandas : on y perd le numéro de ligne
du fichier, que la maison exige dans chaque message d'erreur (« stop_times.txt, ligne 12,
colonne « departure_time » : … ») ; partridge (MIT) n'a plus de version depuis 2023 et
dépend de networkx et isoweek ; gtfs-kit (MIT) tire geopandas, folium et rtree pour des
cartes dont le moteur n'a pas besoin. Ce dont le moteur a besoin tient en peu de lignes :
quelques colonnes de six fichiers, lues en flux (le `stop_times.txt` régional dépasse le
million de lignes), heures au-delà de 24:00:00 comprises.

Ce module ne fait que lire et valider ; le choix des services d'une date est dans
`calendrier`, la construction des connexions dans `reseau`.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from moteur.erreurs import ErreurUtilisateur, Probleme

# Une table GTFS décompressée plus grande est refusée (protection contre les bombes zip).
TAILLE_MAX_TABLE = 4 * 1024**3
# Caractères d'un champ : la limite du module csv est globale au processus (d'autres
# lecteurs la reposent) ; chaque lecture de ligne repose la nôtre.
LIMITE_CHAMP = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Ligne:
    """Une ligne d'une table : son numéro dans le fichier (1 = en-tête) et ses champs."""

    numero: int
    champs: list[str]


class Table:
    """Une table GTFS ouverte : colonnes nommées, lignes en flux, erreurs localisées."""

    def __init__(self, flux: FluxGtfs, nom: str, entree: IO[bytes]) -> None:
        self.flux = flux
        self.nom = nom
        self._entree = entree
        self._lecteur = csv.reader(self._decoder(entree))
        entete = self._suivante()
        self.colonnes = {c.strip(): i for i, c in enumerate(entete or [])}

    def _suivante(self) -> list[str] | None:
        try:
            csv.field_size_limit(LIMITE_CHAMP)
            return next(self._lecteur)
        except StopIteration:
            return None
        except (csv.Error, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise self.erreur(f"fichier illisible ({exc})", self._lecteur.line_num) from exc

    def _decoder(self, entree: IO[bytes]) -> Iterator[str]:
        """Les lignes décodées une à une : une erreur d'encodage donne son numéro de ligne
        (un décodeur par blocs, comme io.TextIOWrapper, ne le connaît pas)."""
        for numero, brut in enumerate(entree, start=1):
            if numero == 1 and brut.startswith(codecs.BOM_UTF8):
                brut = brut[len(codecs.BOM_UTF8) :]
            try:
                yield brut.decode("utf-8")
            except UnicodeDecodeError:
                raise self.erreur("le fichier n'est pas en UTF-8", numero) from None

    def erreur(
        self, message: str, ligne: int | None = None, colonne: str = ""
    ) -> ErreurUtilisateur:
        return ErreurUtilisateur(Probleme(message, self.flux.lieu(self.nom), ligne, colonne))

    def indice(self, colonne: str, obligatoire: bool = True) -> int | None:
        """La position d'une colonne ; si elle manque et qu'elle est obligatoire : erreur."""
        if colonne in self.colonnes:
            return self.colonnes[colonne]
        if obligatoire:
            raise self.erreur("colonne obligatoire absente de l'en-tête", 1, colonne)
        return None

    def __iter__(self) -> Iterator[Ligne]:
        largeur = len(self.colonnes)
        while (champs := self._suivante()) is not None:
            if not champs or champs == [""]:
                continue
            if len(champs) < largeur:
                champs = champs + [""] * (largeur - len(champs))
            yield Ligne(self._lecteur.line_num, champs)

    def fermer(self) -> None:
        self._entree.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fermer()

    # --- champs typés -------------------------------------------------------------

    def texte(self, ligne: Ligne, i: int | None, colonne: str, requis: bool = True) -> str:
        valeur = ligne.champs[i].strip() if i is not None else ""
        if requis and not valeur:
            raise self.erreur("valeur obligatoire manquante", ligne.numero, colonne)
        return valeur

    def flottant(
        self, ligne: Ligne, i: int | None, colonne: str, bornes: tuple[float, float]
    ) -> float:
        brut = self.texte(ligne, i, colonne)
        try:
            valeur = float(brut)
        except ValueError:
            raise self.erreur(f"nombre invalide « {brut} »", ligne.numero, colonne) from None
        if not bornes[0] <= valeur <= bornes[1]:
            raise self.erreur(
                f"valeur « {brut} » hors de [{bornes[0]:g}, {bornes[1]:g}]", ligne.numero, colonne
            )
        return valeur

    def entier(self, ligne: Ligne, i: int | None, colonne: str, defaut: int | None = None) -> int:
        brut = self.texte(ligne, i, colonne, requis=defaut is None)
        if not brut and defaut is not None:
            return defaut
        try:
            return int(brut)
        except ValueError:
            raise self.erreur(f"entier invalide « {brut} »", ligne.numero, colonne) from None

    def heure(self, ligne: Ligne, i: int | None, colonne: str) -> int | None:
        """Une heure GTFS H:MM:SS (24:00:00 et au-delà permis) en secondes ; vide → None."""
        brut = ligne.champs[i].strip() if i is not None else ""
        if not brut:
            return None
        morceaux = brut.split(":")
        if len(morceaux) == 3 and all(m.isdigit() for m in morceaux):
            h, m, s = (int(x) for x in morceaux)
            if m < 60 and s < 60 and len(morceaux[1]) == 2 and len(morceaux[2]) == 2:
                return h * 3600 + m * 60 + s
        raise self.erreur(f"heure invalide « {brut} » (attendu HH:MM:SS)", ligne.numero, colonne)

    def date(self, ligne: Ligne, i: int | None, colonne: str) -> date:
        brut = self.texte(ligne, i, colonne)
        try:
            if len(brut) != 8 or not brut.isdigit():
                raise ValueError
            return date(int(brut[:4]), int(brut[4:6]), int(brut[6:]))
        except ValueError:
            message = f"date invalide « {brut} » (attendu AAAAMMJJ)"
            raise self.erreur(message, ligne.numero, colonne) from None


class FluxGtfs:
    """Une archive GTFS ouverte. `table(nom)` ouvre une table ; `None` si elle est absente
    et facultative. Les fichiers sont cherchés à la racine, ou dans l'unique dossier de
    l'archive qui contient `stops.txt` (certains réseaux emballent le flux ainsi)."""

    def __init__(self, chemin: Path) -> None:
        self.chemin = chemin
        if not chemin.is_file():
            raise ErreurUtilisateur(Probleme("fichier introuvable", str(chemin)))
        try:
            self._zip = zipfile.ZipFile(chemin)
            noms = self._zip.namelist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ErreurUtilisateur(
                Probleme(f"ce n'est pas une archive zip lisible ({exc})", str(chemin))
            ) from None
        self._prefixe = ""
        if "stops.txt" not in noms:
            dossiers = [n[: -len("stops.txt")] for n in noms if n.endswith("/stops.txt")]
            if len(dossiers) == 1:
                self._prefixe = dossiers[0]
        self._noms = set(noms)

    def lieu(self, table: str) -> str:
        return f"{self.chemin.name} › {table}"

    def contient(self, nom: str) -> bool:
        return self._prefixe + nom in self._noms

    def table(self, nom: str, obligatoire: bool = True) -> Table | None:
        if not self.contient(nom):
            if obligatoire:
                raise ErreurUtilisateur(
                    Probleme(f"fichier obligatoire « {nom} » absent de l'archive", self.chemin.name)
                )
            return None
        info = self._zip.getinfo(self._prefixe + nom)
        if info.file_size > TAILLE_MAX_TABLE:
            raise ErreurUtilisateur(
                Probleme(
                    f"table trop grande une fois décompressée ({info.file_size} octets, "
                    f"limite {TAILLE_MAX_TABLE})",
                    self.lieu(nom),
                )
            )
        try:
            entree = self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise ErreurUtilisateur(
                Probleme(f"entrée de l'archive illisible ({exc})", self.lieu(nom))
            ) from None
        return Table(self, nom, entree)

    def fermer(self) -> None:
        self._zip.close()

    def __enter__(self) -> FluxGtfs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fermer()
