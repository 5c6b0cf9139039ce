"""Programme d'un projet avant que les élèves soient connus, puis remplissage.

`proposer_programme` construit la structure des groupes et la rotation pour N élèves
fictifs d'un âge supposé (14 ans par défaut) ; `remplir_programme` y range ensuite les
élèves réellement placés, sans re-résoudre quand c'est possible. Le programme d'un projet
est proposé seul : l'accueil des structures partagées avec d'autres projets n'est pas
réservé (le plan final, `planifier_rotation`, résout les projets partagés ensemble).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from moteur.modele import Affectation, Eleve, LignePlanning, Session
from moteur.rotation.cpsat import ResultatRotation, planifier_rotation
from moteur.rotation.groupes import Groupe, decouper_groupes
from moteur.rotation.modele_cpsat import Poids


def proposer_programme(
    session: Session,
    projet_id: str,
    n: int | None = None,
    age: int = 14,
    limite_s: float = 10.0,
    poids: Poids | None = None,
    jours_porteur: tuple[date, ...] = (),
) -> ResultatRotation:
    """Groupes et rotation pour `n` élèves fictifs (défaut : `places` du projet)."""
    projet = session.projets[projet_id]
    n = projet.places if n is None else n
    naissance = date(session.parametres.date_debut.year - age, 1, 1)
    fictifs = {
        f"F{i + 1}": Eleve(
            id=f"F{i + 1}",
            uai="",
            date_naissance=naissance,
            voeux=(projet_id,),
            commune_insee=projet.commune_insee,
            point=projet.point,
        )
        for i in range(n)
    }
    copie = replace(session, eleves=fictifs, projets={projet_id: projet})
    affectations = {eid: Affectation(eid, projet_id, 1) for eid in fictifs}
    return planifier_rotation(
        copie, affectations, limite_s=limite_s, poids=poids, jours_porteur=jours_porteur
    )


def remplir_programme(
    session: Session,
    projet_id: str,
    programme: ResultatRotation,
    affectations: dict[str, Affectation],
) -> ResultatRotation | None:
    """Range les élèves placés dans le programme proposé ; None s'il ne tient pas.

    Les élèves sont découpés en autant de groupes que le programme ; chaque groupe reçoit
    la rotation d'un groupe fictif compatible (âges) ; la capacité des structures est
    revérifiée avec les vraies tailles. Sur None, appeler `planifier_rotation`.
    Remplit `affectations[e].groupe` en cas de succès.
    """
    fictifs = programme.groupes.get(projet_id, [])
    eleves = [e for e in session.eleves if (a := affectations.get(e)) and a.projet_id == projet_id]
    if not fictifs or not eleves:
        return None
    groupes = decouper_groupes(session, projet_id, eleves, len(fictifs))
    rotations: dict[str, list[LignePlanning]] = {g.libelle: [] for g in fictifs}
    for ligne in programme.planning:
        if ligne.projet_id == projet_id:
            rotations[ligne.groupe].append(ligne)
    choix = _apparier(groupes, [rotations[g.libelle] for g in fictifs])
    if choix is None:
        return None
    planning = [
        LignePlanning(projet_id, g.libelle, ligne.date, ligne.structure_id)
        for g, rotation in zip(groupes, choix, strict=True)
        for ligne in rotation
    ]
    if not _capacites_tenues(session, groupes, planning):
        return None
    for g in groupes:
        for eid in g.eleves:
            affectations[eid].groupe = g.libelle
    return ResultatRotation(
        planning=sorted(planning, key=lambda lg: (lg.groupe, lg.date)),
        groupes={projet_id: groupes},
        composantes=list(programme.composantes),
    )


def _apparier(
    groupes: list[Groupe], rotations: list[list[LignePlanning]]
) -> list[list[LignePlanning]] | None:
    """Appariement groupe → rotation compatible (âges), par retour arrière (peu de groupes)."""
    pris: list[int] = []

    def compatible(g: Groupe, rotation: list[LignePlanning]) -> bool:
        return all((lg.structure_id, lg.date) not in g.interdits for lg in rotation)

    def chercher(i: int) -> bool:
        if i == len(groupes):
            return True
        for r, rotation in enumerate(rotations):
            if r not in pris and compatible(groupes[i], rotation):
                pris.append(r)
                if chercher(i + 1):
                    return True
                pris.pop()
        return False

    return [rotations[r] for r in pris] if chercher(0) else None


def _capacites_tenues(
    session: Session, groupes: list[Groupe], planning: list[LignePlanning]
) -> bool:
    tailles = {g.libelle: g.taille for g in groupes}
    presents: dict[tuple[str, date], int] = {}
    for ligne in planning:
        cle = (ligne.structure_id, ligne.date)
        presents[cle] = presents.get(cle, 0) + tailles[ligne.groupe]
    return all(n <= session.structures[h].accueil_max for (h, _), n in presents.items())
