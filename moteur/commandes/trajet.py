"""`stages-collectifs trajet GTFS.zip --date AAAA-MM-JJ --depart HH:MM --de LAT,LON --vers
LAT,LON` : l'itinéraire d'arrivée au plus tôt en transport en commun et à pied.

Imprime les étapes (marche, lignes, heures) puis une dernière ligne `duree_min: N`, ou
`duree_min: aucun` si rien n'arrive (ni à pied, ni par une course du jour ou de son
prolongement après minuit). Code 0 dans les deux cas ; 2 sur une entrée invalide (archive
cassée, fichier ou colonne manquant, date hors de la période du flux…), avec un message en
français qui nomme le fichier, la ligne et le champ. Le prétraitement du flux pour la date
est gardé sur disque (voir `moteur/transport/cache.py`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from moteur.erreurs import ErreurUtilisateur, Probleme
from moteur.transport import Itineraire, charger, itineraire
from moteur.transport.cache import dossier_par_defaut
from moteur.transport.csa import Etape

AIDE = "Itinéraire le plus rapide en transport en commun (flux GTFS) et à pied."


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gtfs", metavar="GTFS.zip", type=Path, help="flux GTFS (archive zip)")
    parser.add_argument("--date", required=True, metavar="AAAA-MM-JJ", help="jour du trajet")
    parser.add_argument("--depart", required=True, metavar="HH:MM", help="heure de départ")
    parser.add_argument("--de", required=True, metavar="LAT,LON", help="point de départ")
    parser.add_argument("--vers", required=True, metavar="LAT,LON", help="point d'arrivée")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DOSSIER",
        help=f"dossier du cache du prétraitement (défaut : {dossier_par_defaut()})",
    )


def executer(args: argparse.Namespace) -> int:
    jour = lire_date(args.date)
    depart = lire_heure(args.depart)
    origine = lire_point(args.de, "--de")
    destination = lire_point(args.vers, "--vers")
    reseau, _ = charger(args.gtfs, jour, args.cache)
    if reseau.nb_services == 0:
        print(f"Avertissement : aucun service ne circule le {jour:%d/%m/%Y}.", file=sys.stderr)
    trajet = itineraire(reseau, origine, destination, depart)
    print(f"Trajet du {jour:%d/%m/%Y}, départ {heure_lisible(depart)}")
    if trajet is None:
        print(
            "Aucun itinéraire n'arrive ce jour-là (ni à pied à moins de 1 000 m, ni en transport)."
        )
        print("duree_min: aucun")
        return 0
    imprimer(trajet)
    print(f"duree_min: {trajet.duree_min}")
    return 0


def imprimer(trajet: Itineraire) -> None:
    for etape in trajet.etapes:
        print(f"{heure_lisible(etape.depart)} → {heure_lisible(etape.arrivee)}  {decrire(etape)}")
    print(f"Arrivée à {heure_lisible(trajet.arrivee)}.")


def decrire(etape: Etape) -> str:
    if etape.genre == "transport":
        direction = f" (direction {etape.direction})" if etape.direction else ""
        return f"ligne {etape.ligne}{direction} : de {etape.de} à {etape.vers}"
    distance = f"{round(etape.metres):,} m".replace(",", "\u202f")
    if etape.de == "origine" and etape.vers == "destination":
        return f"à pied jusqu'à la destination ({distance})"
    if etape.de == "origine":
        return f"à pied jusqu'à l'arrêt {etape.vers} ({distance})"
    if etape.vers == "destination":
        return f"à pied de l'arrêt {etape.de} jusqu'à la destination ({distance})"
    return f"à pied de l'arrêt {etape.de} à l'arrêt {etape.vers} ({distance})"


def heure_lisible(secondes: int) -> str:
    """08:05 ou 08:05:12 ; après minuit : « 00:40 (lendemain) »."""
    jours, reste = divmod(secondes, 86_400)
    h, reste = divmod(reste, 3600)
    m, s = divmod(reste, 60)
    texte = f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")
    if jours == 1:
        return f"{texte} (lendemain)"
    return f"{texte} (J+{jours})" if jours else texte


def lire_date(brut: str) -> date:
    try:
        return date.fromisoformat(brut)
    except ValueError:
        raise _erreur(f"date « {brut} » invalide (attendu AAAA-MM-JJ)", "--date") from None


def lire_heure(brut: str) -> int:
    """HH:MM (ou HH:MM:SS) en secondes depuis minuit."""
    morceaux = brut.split(":")
    if len(morceaux) in (2, 3) and all(m.isdigit() and len(m) == 2 for m in morceaux):
        h, m, s = (int(x) for x in [*morceaux, "00"][:3])
        if h < 24 and m < 60 and s < 60:
            return h * 3600 + m * 60 + s
    raise _erreur(f"heure « {brut} » invalide (attendu HH:MM, de 00:00 à 23:59)", "--depart")


def lire_point(brut: str, option: str) -> tuple[float, float]:
    morceaux = brut.split(",")
    try:
        if len(morceaux) != 2:
            raise ValueError
        lat, lon = float(morceaux[0]), float(morceaux[1])
    except ValueError:
        raise _erreur(
            f"point « {brut} » invalide (attendu LAT,LON, p. ex. 49.18,-0.37)", option
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _erreur(f"point « {brut} » hors des coordonnées possibles", option)
    return lat, lon


def _erreur(message: str, option: str) -> ErreurUtilisateur:
    return ErreurUtilisateur(Probleme(message, f"option {option}"))
