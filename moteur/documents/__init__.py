"""Les documents tirés d'un plan (conventions, emplois du temps, feuilles de route,
calendriers), en Python pur : la ligne de commande et la plateforme en partagent les
données et produisent donc les mêmes documents."""

from moteur.documents.calendrier import calendrier_ics
from moteur.documents.convention import (
    DonneesAttestation,
    DonneesConvention,
    OptionsConvention,
    Partie,
    contenu_canonique,
    donnees_convention,
    empreinte,
)
from moteur.documents.emploi_du_temps import (
    ElevesAttendus,
    EmploiDuTempsEleve,
    FeuilleDeRoute,
    JourStage,
    eleves_attendus,
    eleves_places,
    emploi_du_temps_eleve,
    feuille_de_route,
    groupes_du_plan,
    pause_dejeuner,
)
from moteur.documents.trajets import TrajetDuJour, trajets_de_l_eleve

__all__ = [
    "DonneesAttestation",
    "DonneesConvention",
    "ElevesAttendus",
    "EmploiDuTempsEleve",
    "FeuilleDeRoute",
    "JourStage",
    "OptionsConvention",
    "Partie",
    "TrajetDuJour",
    "calendrier_ics",
    "contenu_canonique",
    "donnees_convention",
    "eleves_attendus",
    "eleves_places",
    "emploi_du_temps_eleve",
    "empreinte",
    "feuille_de_route",
    "groupes_du_plan",
    "pause_dejeuner",
    "trajets_de_l_eleve",
]
