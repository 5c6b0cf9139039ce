"""Le trajet de l'élève vers la structure du jour, pour son emploi du temps et son .ics,
quand la session a un flux GTFS (issue 14).

Départ : `Eleve.point` (domicile ; à défaut la commune, puis le lycée, comme le résout le
lecteur). Arrivée : à la structure du jour à son heure d'ouverture, après au plus
`duree_max_min` minutes de trajet, selon les horaires du jour de calcul de la session (un
seul jour de référence : le flux est prétraité pour ce jour-là). Le trajet est indicatif :
il n'entre pas dans le contenu signé de la convention (`contenu_canonique`), qui ne change
donc pas quand la coordination téléverse ou remplace le flux.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date, time

from moteur.documents.emploi_du_temps import EmploiDuTempsEleve
from moteur.documents.textes import date_longue, heure
from moteur.modele import Session
from moteur.transport.parametres import de_la_session, jour_de_calcul
from moteur.transport.reseau import Reseau
from moteur.transport.trajets import TrajetHoraire, Trajets


@dataclass(frozen=True, slots=True)
class TrajetDuJour:
    date: dt.date
    structure_nom: str
    heure_voulue: time
    trajet: TrajetHoraire | None
    jour_horaires: dt.date
    duree_max_min: int

    @property
    def texte(self) -> str:
        """Une phrase pour l'élève : départ, lignes, montées et descentes, arrivée."""
        source = f"horaires du {date_longue(self.jour_horaires)}"
        if self.trajet is None:
            return (
                f"Aucun trajet en transport en commun ou à pied n'arrive à {self.structure_nom} "
                f"pour {heure(self.heure_voulue)} en {self.duree_max_min} min au plus "
                f"({source}) : voyez avec le référent du groupe."
            )
        detail = "" if self.trajet.a_pied else f" : {self.trajet.detail}"
        return f"Trajet conseillé ({source}) : {self.trajet.resume}{detail}."


def trajets_de_l_eleve(
    session: Session, emploi: EmploiDuTempsEleve, reseau: Reseau, trajets: Trajets | None = None
) -> dict[date, TrajetDuJour]:
    """Le trajet de chaque jour de stage (vide si la session n'a pas de flux). `trajets`
    garde les balayages d'un élève à l'autre (une structure : un balayage par heure)."""
    transport = de_la_session(session)
    eleve = session.eleves.get(emploi.eleve_id)
    if transport is None or eleve is None:
        return {}
    trajets = trajets or Trajets(reseau, transport.duree_max_s)
    jour_horaires = jour_de_calcul(session)
    resultat = {}
    for jour in emploi.jours:
        structure = session.structures[jour.structure_id]
        arrivee = jour.heure_debut.hour * 3600 + jour.heure_debut.minute * 60
        resultat[jour.date] = TrajetDuJour(
            jour.date,
            jour.structure_nom,
            jour.heure_debut,
            trajets.pour_arriver(eleve.point, structure.point, arrivee),
            jour_horaires,
            transport.duree_max_min,
        )
    return resultat
