"""Bornes des classeurs déposés : refuser une bombe de décompression avant openpyxl.

Un `.xlsx` est une archive ZIP de fichiers XML. openpyxl, même en lecture seule, charge
en mémoire toutes les chaînes partagées (`xl/sharedStrings.xml`) : un classeur de 200 Ko
dont ces chaînes se décompressent en 200 Mo occupait 450 Mo de mémoire. `verifier_classeur`
est la seule garde ; `sources.Classeur` l'appelle avant d'ouvrir le classeur, pour tous les
chemins (dépôt web des établissements, `stages-collectifs import`, `plan`, `check`).

Deux temps :
1. les tailles annoncées par le répertoire de l'archive (nombre d'entrées, taille totale,
   taux de compression de chaque entrée, taille des chaînes partagées) : une bombe grossière
   est refusée sans rien décompresser ;
2. les tailles réelles : chaque entrée est décompressée en flux, par blocs de
   `TAILLE_BLOC` octets jetés aussitôt, et les mêmes limites sont comptées sur les octets
   produits (une archive qui ment sur ses tailles est refusée, sa somme de contrôle aussi).
   La mémoire reste bornée (un bloc) et le temps aussi (au plus `LIMITE_DECOMPRESSE` octets
   décompressés, environ 0,1 s pour un classeur réel de 25 000 élèves).

Seuils mesurés sur un classeur réaliste de 25 000 élèves (feuilles `eleves` et `identites`
complètes, écrit par openpyxl) : 10 entrées, 29 Mo décompressés (feuille des élèves 13 Mo,
des identités 16 Mo), taux de compression de 1,4 à 10 (14,7 quand toutes les lignes se
ressemblent). Chaque seuil laisse une marge d'au moins cinq fois ; une bombe de zlib atteint
un taux d'environ 1 000.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from moteur.erreurs import Probleme

MO = 1024 * 1024

LIMITE_ENTREES = 1_000
"""Entrées de l'archive : un classeur réel en a une dizaine (une centaine avec des images)."""

LIMITE_DECOMPRESSE = 150 * MO
"""Total décompressé : 29 Mo pour 25 000 élèves avec identités ; 150 Mo laissent passer une
session d'environ 100 000 élèves (au-delà : les CSV, bornés à part) et bornent le temps de
lecture d'openpyxl (environ 30 s)."""

LIMITE_TAUX = 100
"""Taux de compression d'une entrée (décompressé / compressé) : 1,4 à 15 mesurés sur du
XML de tableur, 1 000 pour une bombe."""

LIMITE_CHAINES_PARTAGEES = 50 * MO
"""`xl/sharedStrings.xml`, qu'openpyxl garde entier en mémoire (environ 2,3 fois sa taille) :
les chaînes distinctes de 25 000 élèves avec identités font environ 6 Mo."""

TAILLE_MINIMALE_TAUX = 64 * 1024
"""En dessous, une entrée n'est pas jugée sur son taux : un petit XML répétitif peut être
très compressible sans rien coûter."""

TAILLE_BLOC = 64 * 1024
CHAINES_PARTAGEES = "xl/sharedstrings.xml"


class ClasseurRefuse(Exception):
    """Le classeur dépasse une borne ; `probleme` nomme le fichier."""

    def __init__(self, probleme: Probleme) -> None:
        self.probleme = probleme
        super().__init__(str(probleme))


def _mo(octets: int) -> str:
    return f"{octets / MO:.0f} Mo".replace(".", ",")


def _refus(nom: str, message: str) -> ClasseurRefuse:
    return ClasseurRefuse(
        Probleme(
            f"{message} : classeur refusé (bombe de décompression ?). Enregistrez les "
            "données en CSV, ou découpez le classeur",
            nom,
        )
    )


def _borner_entree(nom: str, entree: str, taille: int, compresse: int) -> None:
    """Taux de compression et taille des chaînes partagées d'une entrée."""
    if taille >= TAILLE_MINIMALE_TAUX and taille > LIMITE_TAUX * max(compresse, 1):
        taux = taille // max(compresse, 1)
        raise _refus(
            nom,
            f"l'entrée « {entree[:80]} » se décompresse {taux} fois (au plus {LIMITE_TAUX} fois)",
        )
    if entree.lower() == CHAINES_PARTAGEES and taille > LIMITE_CHAINES_PARTAGEES:
        raise _refus(
            nom,
            f"les textes du classeur dépassent {_mo(LIMITE_CHAINES_PARTAGEES)} décompressés",
        )


def _borner_total(nom: str, total: int) -> None:
    if total > LIMITE_DECOMPRESSE:
        raise _refus(nom, f"le classeur se décompresse en plus de {_mo(LIMITE_DECOMPRESSE)}")


def _verifier_annonces(nom: str, entrees: list[zipfile.ZipInfo]) -> None:
    if len(entrees) > LIMITE_ENTREES:
        raise _refus(nom, f"l'archive compte {len(entrees)} entrées (au plus {LIMITE_ENTREES})")
    for info in entrees:
        _borner_entree(nom, info.filename, info.file_size, info.compress_size)
    _borner_total(nom, sum(info.file_size for info in entrees))


def _verifier_flux(nom: str, archive: zipfile.ZipFile, entrees: list[zipfile.ZipInfo]) -> None:
    """Décompresse chaque entrée par blocs, sans rien garder, en comptant les octets réels."""
    total = 0
    for info in entrees:
        taille = 0
        with archive.open(info) as flux:
            while bloc := flux.read(TAILLE_BLOC):
                taille += len(bloc)
                total += len(bloc)
                _borner_total(nom, total)
                _borner_entree(nom, info.filename, taille, info.compress_size)
        if taille != info.file_size:
            raise zipfile.BadZipFile("taille annoncée fausse")


def verifier_classeur(chemin: Path, nom: str) -> None:
    """Lève ClasseurRefuse si le classeur `chemin` (affiché `nom`) dépasse une borne, ou
    zipfile.BadZipFile / zlib.error s'il n'est pas une archive ZIP intègre."""
    with zipfile.ZipFile(chemin) as archive:
        entrees = archive.infolist()
        _verifier_annonces(nom, entrees)
        _verifier_flux(nom, archive, entrees)


ERREURS_ARCHIVE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError)
"""Ce que zipfile lève sur une archive abîmée, tronquée ou de compression inconnue."""
