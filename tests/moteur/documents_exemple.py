"""Une petite session en mémoire pour les tests des documents (sans fichiers ni base)."""

from __future__ import annotations

from datetime import date, time

from moteur.modele import (
    Affectation,
    Eleve,
    Etablissement,
    IdentiteEleve,
    LignePlanning,
    ParametresSession,
    Plan,
    Point,
    Projet,
    Session,
    StructureAccueil,
    TypeProjet,
)

POINT = Point(49.18, -0.37)


def session_exemple() -> Session:
    parametres = ParametresSession(
        nom="Stages collectifs de seconde 2026",
        date_debut=date(2026, 6, 15),
        date_fin=date(2026, 6, 26),
    )
    session = Session(parametres=parametres)
    session.etablissements["0141555P"] = Etablissement(
        uai="0141555P",
        nom="Lycée Malherbe",
        commune_insee="14118",
        point=POINT,
        adresse="14 avenue Albert-Sorel",
        chef_etablissement="Claire Proviseure",
        email="ce.0141555p@example.org",
    )
    structures = [
        ("S1", "Hôpital de Caen", "Avenue de la Côte de Nacre", time(8, 30), time(16, 0)),
        ("S2", "Menuiserie Lebrun", "3 rue des Artisans", time(9, 0), time(16, 30)),
        ("S3", "Mairie d'Hérouville", "Place de l'Hôtel de Ville", time(13, 30), time(17, 0)),
    ]
    for sid, nom, adresse, debut, fin in structures:
        session.structures[sid] = StructureAccueil(
            id=sid,
            nom=nom,
            domaines=("J",),
            commune_insee="14118",
            point=POINT,
            accueil_max=10,
            adresse=adresse,
            heure_debut=debut,
            heure_fin=fin,
            tuteur=f"Tuteur {sid}",
            telephone="02 31 00 00 00",
            representant=f"Directeur {sid}",
            tuteur_email=f"{sid.lower()}@example.org",
        )
    session.projets["P1"] = Projet(
        id="P1",
        nom="Découverte des métiers à Caen",
        type=TypeProjet.MULTI_SECTEURS,
        porteur="Communauté urbaine Caen la mer",
        commune_insee="14118",
        point=POINT,
        places=12,
        structures=("S1", "S2", "S3"),
        referent="Marc Référent",
        referent_telephone="06 12 34 56 78",
        porteur_representant="Jeanne Présidente",
        porteur_adresse="16 rue Rosa Parks, Caen",
        outil_pedagogique="film de 2 minutes",
    )
    for eid in ("E1", "E2", "E3"):
        session.eleves[eid] = Eleve(
            id=eid,
            uai="0141555P",
            date_naissance=date(2010, 3, 4),
            voeux=("P1",),
            commune_insee="14118",
            point=POINT,
        )
    session.identites["E1"] = IdentiteEleve(
        eleve_id="E1",
        nom="Martin",
        prenom="Léa",
        classe="2nde 3",
        representant1_nom="Paul Martin",
        representant1_email="paul.martin@example.org",
    )
    return session


def plan_exemple(session: Session) -> Plan:
    plan = Plan()
    plan.affectations["E1"] = Affectation("E1", "P1", 1, "A")
    plan.affectations["E2"] = Affectation("E2", "P1", 1, "A")
    plan.affectations["E3"] = Affectation("E3", None)
    rotation = ("S1", "S2", "S3")
    for i, jour in enumerate(session.jours):
        plan.planning.append(LignePlanning("P1", "A", jour, rotation[i % 3]))
    return plan
