"""Un projet sur le petit flux de tests/moteur/transport/flux.py, avec son GTFS téléversé.

Rendez-vous en O ; « Atelier Y » en Y (900 m au nord, ouvre à 9 h) ; « Usine X » en X
(15 400 m, ouvre à 9 h 10) ; horaires du mardi 16/06/2026, 90 min au plus. Programme :
groupe A : Y le 15, X le 16 ; groupe B : X le 15, Y le 16 (aucune course vers le sud :
X → Y est impossible, le 16/06 est signalé pour le groupe B).
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.mobilite.services import changer_reglages, enregistrer_flux
from tests.apps.fabriques import (
    CreneauFactory,
    GroupeFactory,
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
)
from tests.moteur.transport.flux import LON, ecrire_flux, lat


def projet_sur_le_petit_flux(gestionnaires=(), programme: bool = True):
    session = SessionFactory()
    y = StructureAccueilFactory(session=session, nom="Atelier Y", latitude=lat(900), longitude=LON)
    x = StructureAccueilFactory(
        session=session, nom="Usine X", latitude=lat(15400), longitude=LON, heure_debut=time(9, 10)
    )
    projet = ProjetFactory(
        session=session,
        latitude=lat(0),
        longitude=LON,
        porteur=PorteurFactory(),
        structures=[y, x],
        gestionnaires=list(gestionnaires),
        referent="Ana Lopez",
        referent_telephone="02 31 00 00 00",
    )
    if programme:
        a = GroupeFactory(projet=projet, libelle="A")
        b = GroupeFactory(projet=projet, libelle="B")
        for groupe, structures in ((a, (y, x)), (b, (x, y))):
            for jour, structure in zip((15, 16), structures, strict=True):
                CreneauFactory(groupe=groupe, date=date(2026, 6, jour), structure=structure)
    return projet


def televerser_le_petit_flux(session, dossier: Path, duree_max_min: int = 90):
    chemin = ecrire_flux(dossier / "reseau.zip")
    fichier = SimpleUploadedFile("reseau.zip", chemin.read_bytes(), "application/zip")
    flux = enregistrer_flux(session, fichier, None)
    return changer_reglages(flux, date(2026, 6, 16), duree_max_min, time(9, 0))
