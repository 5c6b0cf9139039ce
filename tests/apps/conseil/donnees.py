"""Une petite session en base : P1 (2 places, une structure de 2 élèves par jour) demandé
par 4 élèves du lycée A ; 2 placés, 2 sans place (résultats publiés). Le lycée B, à
~110 km, n'a aucun projet validé à portée. Le nom du lycée A contient du HTML : il doit
rester du texte partout."""

from __future__ import annotations

from apps.projets.models import Projet
from tests.apps.fabriques import (
    AffectationFactory,
    CommuneFactory,
    EleveFactory,
    EtablissementFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    VoeuFactory,
)

NOM_PIEGE = 'Lycée <img src=x onerror="window.piege=1">'


def session_avec_demande():
    session = SessionFactory()
    commune = CommuneFactory()
    loin = CommuneFactory(latitude=commune.latitude + 1.0)
    structure = StructureAccueilFactory(session=session, commune=commune, accueil_max=2)
    projet = ProjetFactory(
        session=session,
        commune=commune,
        places=2,
        statut=Projet.Statut.VALIDE,
        structures=[structure],
    )
    lycee = EtablissementFactory(commune=commune, nom=NOM_PIEGE)
    EtablissementFactory(commune=loin, nom="Lycée du bout du monde")
    for i in range(4):
        eleve = EleveFactory(session=session, etablissement=lycee)
        VoeuFactory(eleve=eleve, projet=projet, rang=1)
        if i < 2:
            AffectationFactory(eleve=eleve, projet=projet, rang=1, publiee=True)
        else:
            AffectationFactory(eleve=eleve, projet=None, rang=None, publiee=True)
    return session, projet
