"""Couche « isochrone » de la fiche d'un projet : les lycées d'où son point de rendez-vous
est atteignable en transport en commun ou à pied, en arrivant à l'heure de la session, dans
la durée maximale (`moteur.transport.acces.etablissements_atteignant`), quand la session a
un flux GTFS. Un balayage à rebours par projet : quelques millisecondes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from apps.etablissements.models import Etablissement
from apps.mobilite.services import horaires
from apps.projets.models import Projet
from moteur import modele as m
from moteur.transport.acces import etablissements_atteignant
from moteur.transport.mobilite import jour_fr
from moteur.transport.parametres import avec_transport


@dataclass(frozen=True, slots=True)
class Isochrone:
    jour: date
    arrivee: time
    duree_max_min: int
    lycees: list[tuple[Etablissement, int]]  # (lycée, minutes), les plus proches d'abord

    @property
    def jour_texte(self) -> str:
        return jour_fr(self.jour)

    def marqueurs(self) -> list[dict]:
        """Pour la carte (json_script) : les noms y restent du texte (carte.js)."""
        return [
            {"nom": e.nom, "lat": e.latitude, "lon": e.longitude, "minutes": minutes}
            for e, minutes in self.lycees
        ]


def lycees_atteignant(projet: Projet) -> Isochrone | None:
    """Les lycées d'où le projet est atteignable dans la limite ; None sans flux GTFS."""
    donnees = horaires(projet.session)
    if donnees is None:
        return None
    lycees = {
        e.uai: e
        for e in Etablissement.objects.only("uai", "nom", "latitude", "longitude", "commune")
    }
    session = m.Session(
        parametres=avec_transport(projet.session.parametres(), donnees.parametres),
        etablissements={
            uai: m.Etablissement(uai, e.nom, e.commune_id, m.Point(e.latitude, e.longitude))
            for uai, e in lycees.items()
        },
    )
    ident = str(projet.pk)
    session.projets[ident] = m.Projet(
        ident,
        projet.nom,
        m.TypeProjet(projet.type),
        "",
        projet.commune_id,
        m.Point(projet.latitude, projet.longitude),
        projet.places,
        (),
    )
    minutes = etablissements_atteignant(session, ident, donnees.reseau)
    return Isochrone(
        donnees.jour,
        donnees.parametres.arrivee,
        donnees.parametres.duree_max_min,
        sorted(((lycees[u], d) for u, d in minutes.items()), key=lambda x: (x[1], x[0].nom)),
    )
