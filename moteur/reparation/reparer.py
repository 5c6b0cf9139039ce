"""Réparer un plan publié sans déranger (issue 12, point 5).

`reparer(session, publie, graine=0, bareme=None) -> Reparation`

- `session` : le dossier de session mis à jour (élèves retirés = désistements, nouvelles
  lignes = arrivées tardives, `jours`/`accueil_max`/`jours_max` de structures modifiés,
  projets retirés) ; `publie` : le plan publié (`lire_plan_publie`).
- Chaque affectation et chaque journée de programme encore valides sont gardées.
- Une journée devenue impossible (structure retirée du projet ou de la session, jour
  annulé, âge, `accueil_max` ou `jours_max` réduits) est reportée, pour tout le groupe, sur
  la structure la plus proche du programme : celle de la veille ou du lendemain, puis
  l'ancienne, puis la plus proche de l'ancienne. Si aucune ne peut prendre tout le groupe
  ce jour-là, des élèves du groupe doivent partir : d'abord ceux que l'âge bloque, puis les
  derniers au barème, un à un, jusqu'à ce que le reste du groupe tienne.
- Seuls bougent les élèves dont le projet (retiré, plus dans leurs voeux, hors de portée,
  places réduites) ou la journée est devenu impossible ; chacun va au choix valide le plus
  proche : un autre groupe de son projet, sinon ses autres voeux dans l'ordre.
- Les places libérées vont ensuite aux non placés (arrivées tardives comprises) dans
  l'ordre d'appel du barème (`Priorites.appel`, le même que celui de l'affectation : en
  taux minimum, le tirage au sort de la graine repris pour que chaque début de liste
  compte la part de boursiers et de ruraux de la session ; en priorité absolue, les points
  puis le tirage) : c'est la liste d'attente. Les points valent 0 en taux minimum : la
  liste ne suit donc pas le seul tirage, mais bien l'ordre publié.
  Chacun prend son meilleur voeu où il reste une place (un groupe qui peut l'accueillir
  chaque jour, ou un nouveau groupe).
- Choix assumé : les élèves déplacés passent avant la liste d'attente (ils avaient une
  place, souvent une convention signée).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from moteur.affectation import Bareme, calculer_priorites, eligibles_reference
from moteur.distances import haversine_km
from moteur.format.ecriture import cle_naturelle
from moteur.modele import Affectation, LignePlanning, Plan, Session, StructureAccueil
from moteur.reparation.etat import Cle, Etat
from moteur.reparation.publie import PlanPublie
from moteur.rotation.capacite import jour_fr
from moteur.transport.acces import Acces, atteignables

Ordre = Callable[[str], tuple[int, int]]
RAISON_DESISTEMENT = "désistement (l'élève n'est plus dans eleves.csv)"


@dataclass(frozen=True, slots=True)
class Changement:
    """Une ligne de `changements.csv`."""

    eleve_id: str
    avant_projet: str
    avant_groupe: str
    apres_projet: str
    apres_groupe: str
    raison: str


@dataclass(frozen=True, slots=True)
class JourneeDeplacee:
    projet_id: str
    groupe: str
    date: date
    avant: str
    apres: str
    raison: str


@dataclass(frozen=True, slots=True)
class Attente:
    """Une entrée de la liste d'attente (ordre du barème)."""

    position: int
    eleve_id: str
    projet_id: str
    groupe: str
    nouveau: bool  # arrivée tardive (absent du plan publié)


@dataclass(slots=True)
class Reparation:
    plan: Plan
    changements: list[Changement] = field(default_factory=list)
    journees: list[JourneeDeplacee] = field(default_factory=list)
    attente: list[Attente] = field(default_factory=list)
    gardes: int = 0  # affectations du plan publié gardées telles quelles
    raisons: dict[str, str] = field(default_factory=dict)  # non placés → raison
    # Élèves qui devaient bouger (désistement, projet ou journée impossible).
    obliges: tuple[str, ...] = ()


def reparer(
    session: Session, publie: PlanPublie, graine: int = 0, bareme: Bareme | None = None
) -> Reparation:
    acces = atteignables(session)  # None sans flux GTFS : vol d'oiseau seulement
    references = eligibles_reference(session, acces)
    eligibles = {e: [p for p, _r, _d in v] for e, v in references.items()}
    priorites = calculer_priorites(session, bareme, graine)

    def ordre(eid: str) -> tuple[int, int]:
        # L'ordre d'appel public (taux minimum vérifié sur chaque préfixe, ou points puis
        # tirage en priorité absolue) : la réparation sert la liste d'attente et choisit qui
        # part d'un groupe trop plein dans le même ordre que l'affectation.
        return (-priorites.points[eid], priorites.appel[eid])

    etat = Etat(session)
    reparation = Reparation(Plan())
    a_deplacer: dict[str, tuple[str, str, str]] = {}
    _classer_placements(session, publie, eligibles, etat, reparation, a_deplacer, acces)
    _respecter_places(session, etat, ordre, a_deplacer)
    invalides = _poser_journees_valides(session, publie, etat)
    _reporter_journees(etat, invalides, ordre, reparation, a_deplacer)
    reparation.obliges = tuple(c.eleve_id for c in reparation.changements) + tuple(a_deplacer)
    libelles_pris = {(x.projet_id, x.groupe) for x in publie.planning}
    libelles_pris |= {(p, g) for p, g in publie.affectations.values() if p}
    for eid in sorted(a_deplacer, key=ordre):
        avant_p, avant_g, raison = a_deplacer[eid]
        choix = [avant_p] if avant_p in eligibles.get(eid, []) else []
        choix += [p for p in eligibles.get(eid, []) if p != avant_p]
        cle = _placer(etat, eid, choix, libelles_pris)
        if cle is None:
            reparation.raisons[eid] = f"{raison} ; aucun autre voeu valide n'a de place"
            raison += " ; aucun autre voeu valide n'a de place"
        apres = cle or ("", "")
        reparation.changements.append(Changement(eid, avant_p, avant_g, *apres, raison))
    _liste_d_attente(session, publie, eligibles, etat, ordre, reparation, libelles_pris)
    _construire_plan(session, etat, reparation)
    return reparation


def _classer_placements(
    session: Session,
    publie: PlanPublie,
    eligibles: dict[str, list[str]],
    etat: Etat,
    reparation: Reparation,
    a_deplacer: dict[str, tuple[str, str, str]],
    acces: Acces | None,
) -> None:
    for eid, (pid, groupe) in publie.affectations.items():
        if pid is None:
            continue
        if eid not in session.eleves:
            reparation.changements.append(Changement(eid, pid, groupe, "", "", RAISON_DESISTEMENT))
        elif pid not in session.projets:
            a_deplacer[eid] = (pid, groupe, f"projet {pid} retiré")
        elif pid not in eligibles.get(eid, []):
            a_deplacer[eid] = (pid, groupe, _plus_possible(session, eid, pid, acces))
        else:
            etat.membres.setdefault((pid, groupe), []).append(eid)


def _plus_possible(session: Session, eid: str, pid: str, acces: Acces | None = None) -> str:
    """Pourquoi le projet n'est plus possible pour l'élève (voeux, règle 6, règle 5)."""
    eleve, projet = session.eleves[eid], session.projets[pid]
    if pid not in eleve.voeux:
        return f"le projet {pid} n'est plus dans ses voeux"
    distance = haversine_km(eleve.point, projet.point)
    dmax = session.parametres.distance_max_km
    if distance > dmax:
        return f"le projet {pid} est à {distance:.1f} km, au-delà de {dmax:g} km (règle 6)"
    if acces is not None and not acces.atteint(eid, pid):
        return (
            f"le projet {pid} n'est pas atteignable en transport en commun ou à pied en "
            f"arrivant au plus tard à {acces.arrivee:%H:%M}, en {acces.duree_max_min} min "
            "au plus (règle 6)"
        )
    structures = [session.structures[s] for s in projet.structures if s in session.structures]
    for jour in session.jours:
        ouvertes = [s for s in structures if jour in s.jours_possibles(session.jours)]
        if not ouvertes:
            return f"le {jour_fr(jour)}, aucune structure du projet {pid} n'accueille (jours)"
        if all(eleve.age_le(jour) < s.age_min for s in ouvertes):
            noms = ", ".join(s.id for s in ouvertes)
            return (
                f"le {jour_fr(jour)}, aucune structure ouverte du projet {pid} ({noms}) "
                "n'accueille son âge (règle 5)"
            )
    return f"le projet {pid} n'est plus possible pour l'élève"


def _respecter_places(
    session: Session,
    etat: Etat,
    ordre: Ordre,
    a_deplacer: dict[str, tuple[str, str, str]],
) -> None:
    """Un projet dont les places ont baissé garde les premiers au barème."""
    for pid in sorted({c[0] for c in etat.membres}, key=cle_naturelle):
        places = session.projets[pid].places
        while etat.effectif_projet(pid) > places:
            tous = [(e, c) for c in etat.groupes_du_projet(pid) for e in etat.membres[c]]
            eid, cle = max(tous, key=lambda x: ordre(x[0]))
            etat.membres[cle].remove(eid)
            if not etat.membres[cle]:
                del etat.membres[cle]
            raison = f"le projet {pid} n'a plus que {places} places (derniers au barème)"
            a_deplacer[eid] = (pid, cle[1], raison)


def _poser_journees_valides(
    session: Session, publie: PlanPublie, etat: Etat
) -> list[tuple[Cle, date, str, str]]:
    """Pose les journées encore valides ; rend celles à reporter (groupe, jour, avant, raison)."""
    anciens: dict[Cle, dict[date, str]] = {}
    for x in publie.planning:
        anciens.setdefault((x.projet_id, x.groupe), {})[x.date] = x.structure_id
    cles = sorted(etat.membres, key=lambda c: (cle_naturelle(c[0]), cle_naturelle(c[1])))
    invalides: list[tuple[Cle, date, str, str]] = []
    gardees: list[tuple[Cle, date, str]] = []
    for cle in cles:
        for jour in session.jours:
            sid = anciens.get(cle, {}).get(jour, "")
            raison = _raison_journee(etat, cle, jour, sid)
            if raison:
                invalides.append((cle, jour, sid, raison))
            else:
                gardees.append((cle, jour, sid))
    jours_gardes = _jours_max(session, etat, gardees)
    for cle, jour, sid in gardees:
        s = session.structures[sid]
        if jour not in jours_gardes[sid]:
            raison = f"{sid} n'accueille plus que {s.jours_max} jours (jours_max)"
            invalides.append((cle, jour, sid, raison))
        elif etat.charge.get((sid, jour), 0) + len(etat.membres[cle]) > s.accueil_max:
            raison = f"{sid} n'accueille plus que {s.accueil_max} élèves par jour (accueil_max)"
            invalides.append((cle, jour, sid, raison))
        else:
            etat.poser(cle, jour, sid)
    invalides.sort(key=lambda x: (cle_naturelle(x[0][0]), cle_naturelle(x[0][1]), x[1]))
    return invalides


def _raison_journee(etat: Etat, cle: Cle, jour: date, sid: str) -> str:
    session = etat.session
    if not sid:
        return "journée absente du plan publié"
    s = session.structures.get(sid)
    if s is None:
        return f"structure {sid} retirée"
    if sid not in session.projets[cle[0]].structures:
        return f"structure {sid} retirée du projet {cle[0]}"
    if jour not in s.jours_possibles(session.jours):
        return f"{sid} n'accueille plus le {jour_fr(jour)} (jours)"
    if not etat.age_ok(etat.membres[cle], s, jour):
        return f"âge minimal de {sid} ({s.age_min} ans) le {jour_fr(jour)}"
    return ""


def _jours_max(
    session: Session, etat: Etat, gardees: list[tuple[Cle, date, str]]
) -> dict[str, set[date]]:
    """Jours gardés par structure : au plus `jours_max`, les plus chargés d'abord."""
    charge: dict[str, dict[date, int]] = {}
    for cle, jour, sid in gardees:
        par_jour = charge.setdefault(sid, {})
        par_jour[jour] = par_jour.get(jour, 0) + len(etat.membres[cle])
    gardes: dict[str, set[date]] = {}
    for sid, par_jour in charge.items():
        jmax = session.structures[sid].jours_max
        jours = sorted(par_jour, key=lambda j: (-par_jour[j], j))
        gardes[sid] = set(jours if jmax is None else jours[:jmax])
    return gardes


def _reporter_journees(
    etat: Etat,
    invalides: list[tuple[Cle, date, str, str]],
    ordre: Ordre,
    reparation: Reparation,
    a_deplacer: dict[str, tuple[str, str, str]],
) -> None:
    for cle, jour, avant, raison in invalides:
        while cle in etat.membres:
            sid = etat.structure_pour(cle, jour, avant or None)
            if sid is not None:
                etat.poser(cle, jour, sid)
                reparation.journees.append(
                    JourneeDeplacee(cle[0], cle[1], jour, avant, sid, raison)
                )
                break
            eid = _qui_sort(etat, cle, jour, ordre)
            etat.retirer_eleve(cle, eid)
            a_deplacer[eid] = (
                cle[0],
                cle[1],
                f"journée du {jour_fr(jour)} impossible ({raison}) : aucune structure du "
                f"projet ne peut accueillir tout le groupe {cle[1]} ce jour-là",
            )


def _qui_sort(etat: Etat, cle: Cle, jour: date, ordre: Ordre) -> str:
    """D'abord un élève que l'âge bloque partout ce jour-là, sinon le dernier au barème."""
    membres = etat.membres[cle]
    jours = etat.session.jours
    ouvertes = [s for s in etat.structures_du_projet(cle[0]) if jour in s.jours_possibles(jours)]
    bloques = [e for e in membres if not any(etat.age_ok([e], s, jour) for s in ouvertes)]
    return max(bloques or membres, key=ordre)


def _placer(etat: Etat, eid: str, choix: list[str], pris: set[Cle]) -> Cle | None:
    """Le premier projet de `choix` qui a une place : un groupe existant qui peut
    l'accueillir chaque jour (le moins rempli), sinon un nouveau groupe."""
    for pid in choix:
        if etat.effectif_projet(pid) >= etat.session.projets[pid].places:
            continue
        groupes = sorted(etat.groupes_du_projet(pid), key=lambda c: len(etat.membres[c]))
        for cle in groupes:
            if _accueille(etat, cle, eid):
                etat.ajouter_eleve(cle, eid)
                return cle
        nouveau = _nouveau_groupe(etat, pid, eid, pris)
        if nouveau is not None:
            return nouveau
    return None


def _accueille(etat: Etat, cle: Cle, eid: str) -> bool:
    for jour, sid in etat.jours.get(cle, {}).items():
        s = etat.session.structures[sid]
        if not etat.peut_accueillir(s, jour, 1) or not etat.age_ok([eid], s, jour):
            return False
    return len(etat.jours.get(cle, {})) == len(etat.session.jours)


def _nouveau_groupe(etat: Etat, pid: str, eid: str, pris: set[Cle]) -> Cle | None:
    numero = 1
    while (pid, f"G{numero}") in pris or (pid, f"G{numero}") in etat.membres:
        numero += 1
    cle = (pid, f"G{numero}")
    etat.membres[cle] = [eid]
    vus: set[str] = set()
    veille = ""
    for jour in etat.session.jours:
        possibles = [
            s
            for s in etat.structures_du_projet(pid)
            if etat.peut_accueillir(s, jour, 1) and etat.age_ok([eid], s, jour)
        ]
        if not possibles:
            for j in list(etat.jours.get(cle, {})):
                etat.lever(cle, j)
            del etat.membres[cle]
            etat.jours.pop(cle, None)
            return None

        def cle_choix(
            s: StructureAccueil, v: str = veille, dejas: frozenset[str] = frozenset(vus)
        ) -> tuple[int, bool, str]:
            return (-len(set(s.domaines) - dejas), s.id != v, s.id)

        choisie = min(possibles, key=cle_choix)
        etat.poser(cle, jour, choisie.id)
        vus |= set(choisie.domaines)
        veille = choisie.id
    pris.add(cle)
    return cle


def _liste_d_attente(
    session: Session,
    publie: PlanPublie,
    eligibles: dict[str, list[str]],
    etat: Etat,
    ordre: Ordre,
    reparation: Reparation,
    pris: set[Cle],
) -> None:
    places = {e for c in etat.membres.values() for e in c}
    deplaces = {c.eleve_id for c in reparation.changements}
    attente = [e for e in session.eleves if e not in places and e not in deplaces]
    attente.sort(key=ordre)
    for position, eid in enumerate(attente, start=1):
        cle = _placer(etat, eid, eligibles.get(eid, []), pris)
        nouveau = eid not in publie.affectations
        if cle is None:
            reparation.attente.append(Attente(position, eid, "", "", nouveau))
            reparation.raisons[eid] = (
                f"aucun de ses voeux valides n'a de place (liste d'attente, rang {position})"
            )
            continue
        reparation.attente.append(Attente(position, eid, cle[0], cle[1], nouveau))
        quoi = "arrivée tardive" if nouveau else "non placé au plan publié"
        raison = f"place libérée proposée ({quoi}, rang {position} de la liste d'attente)"
        reparation.changements.append(Changement(eid, "", "", cle[0], cle[1], raison))


def _construire_plan(session: Session, etat: Etat, reparation: Reparation) -> None:
    groupe_de = {e: c for c, membres in etat.membres.items() for e in membres}
    for eid, eleve in session.eleves.items():
        cle = groupe_de.get(eid)
        if cle is None:
            reparation.plan.affectations[eid] = Affectation(eid, None)
            continue
        rang = eleve.voeux.index(cle[0]) + 1
        reparation.plan.affectations[eid] = Affectation(eid, cle[0], rang, cle[1])
    reparation.plan.planning = [
        LignePlanning(c[0], c[1], jour, sid)
        for c in sorted(etat.jours, key=lambda c: (cle_naturelle(c[0]), cle_naturelle(c[1])))
        for jour, sid in sorted(etat.jours[c].items())
    ]
    bouges = {c.eleve_id for c in reparation.changements}
    reparation.gardes = sum(1 for e in groupe_de if e not in bouges)
