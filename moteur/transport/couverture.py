"""Ce que couvre un flux GTFS : arrêts, lignes, période de service, jours sans service.

Lecture légère (stops.txt, routes.txt, calendar*.txt, sans stop_times.txt) : sert au
lecteur de dossiers (le flux existe, est un GTFS, et le jour de calcul est dans sa
période) et à la page de couverture de la plateforme. La validation complète (horaires
compris) est `valider`, qui construit le réseau du jour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from moteur.erreurs import ErreurUtilisateur, Probleme
from moteur.transport.cache import charger
from moteur.transport.calendrier import Calendrier, lire_calendrier
from moteur.transport.gtfs import FluxGtfs

OBLIGATOIRES = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")


@dataclass(frozen=True, slots=True)
class Couverture:
    nb_arrets: int
    nb_lignes: int
    debut: date
    fin: date
    calendrier: Calendrier

    def services_le(self, jour: date) -> int:
        return len(self.calendrier.services(jour))


def couverture(chemin: Path) -> Couverture:
    """Lit le flux (sans les horaires) ; lève ErreurUtilisateur s'il est invalide."""
    with FluxGtfs(chemin) as flux:
        for nom in OBLIGATOIRES:
            if not flux.contient(nom):
                flux.table(nom)  # lève « fichier obligatoire absent de l'archive »
        calendrier = lire_calendrier(flux)
        nb_arrets = _compter(flux, "stops.txt", "stop_id")
        nb_lignes = _compter(flux, "routes.txt", "route_id")
    periode = calendrier.periode()
    if periode is None:
        raise ErreurUtilisateur(
            Probleme(
                "aucun service : calendar.txt et calendar_dates.txt sont vides",
                f"{chemin.name} › calendar.txt",
            )
        )
    return Couverture(nb_arrets, nb_lignes, periode[0], periode[1], calendrier)


def _compter(flux: FluxGtfs, nom: str, colonne: str) -> int:
    table = flux.table(nom)
    assert table is not None
    with table:
        i = table.indice(colonne)
        return sum(1 for ligne in table if table.texte(ligne, i, colonne))


def verifier_jour(chemin: Path, cov: Couverture, jour: date) -> None:
    """Le jour de calcul doit être dans la période du flux (sinon : erreur d'entrée)."""
    if not cov.debut <= jour <= cov.fin:
        raise ErreurUtilisateur(
            Probleme(
                f"le jour de calcul {jour:%d/%m/%Y} est hors de la période du flux (du "
                f"{cov.debut:%d/%m/%Y} au {cov.fin:%d/%m/%Y})",
                f"{chemin.name} › calendar.txt / calendar_dates.txt",
            )
        )


def valider(chemin: Path, jour: date, dossier_cache: Path | None = None) -> Couverture:
    """Validation complète : couverture, jour dans la période, puis réseau du jour construit
    (tous les horaires lus et vérifiés ; le cache disque est rempli au passage)."""
    cov = couverture(chemin)
    verifier_jour(chemin, cov, jour)
    charger(chemin, jour, dossier_cache)
    return cov
