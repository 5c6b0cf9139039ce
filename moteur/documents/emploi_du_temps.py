"""Les emplois du temps tirés d'un plan : par élève (jour par jour), par groupe (feuille de
route) et par structure (élèves attendus chaque jour).

Python pur : la ligne de commande et la plateforme construisent ici les mêmes données, puis
les mettent en forme (PDF, HTML, iCalendar).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from moteur.documents.textes import date_courte, date_longue, heure, plage
from moteur.modele import Plan, Session, StructureAccueil

PAUSE_MINUTES_DEFAUT = 60
MIDI = time(12, 0)


@dataclass(frozen=True, slots=True)
class JourStage:
    """Une journée d'un groupe : où, à quelle heure, avec qui."""

    date: date
    structure_id: str
    structure_nom: str
    adresse: str
    commune: str
    heure_debut: time
    heure_fin: time
    pause_debut: time | None
    pause_fin: time | None
    tuteur: str
    telephone: str

    @property
    def adresse_complete(self) -> str:
        morceaux = [m for m in (self.adresse, self.commune) if m]
        return ", ".join(morceaux)

    @property
    def date_texte(self) -> str:
        return date_longue(self.date)

    @property
    def date_chiffres(self) -> str:
        return f"{date_courte(self.date)} · {self.date.isoformat()}"

    @property
    def horaires(self) -> str:
        return plage(self.heure_debut, self.heure_fin)

    @property
    def pause(self) -> str:
        if self.pause_debut is None or self.pause_fin is None:
            return "sans pause méridienne"
        return plage(self.pause_debut, self.pause_fin)

    @property
    def rendez_vous(self) -> str:
        return heure(self.heure_debut)


@dataclass(slots=True)
class EmploiDuTempsEleve:
    eleve_id: str
    uai: str
    projet_id: str
    groupe: str
    jours: list[JourStage] = field(default_factory=list)

    @property
    def date_debut(self) -> date | None:
        return self.jours[0].date if self.jours else None

    @property
    def date_fin(self) -> date | None:
        return self.jours[-1].date if self.jours else None

    @property
    def structures(self) -> list[str]:
        """Identifiants des structures visitées, dans l'ordre de la première visite."""
        return list(dict.fromkeys(j.structure_id for j in self.jours))


@dataclass(slots=True)
class FeuilleDeRoute:
    projet_id: str
    projet_nom: str
    groupe: str
    referent: str
    referent_telephone: str
    jours: list[JourStage]
    eleves: list[str]  # identifiants pseudonymes


@dataclass(slots=True)
class ElevesAttendus:
    structure_id: str
    structure_nom: str
    # date -> [(projet_id, groupe, [eleve_id…])]
    par_jour: dict[date, list[tuple[str, str, list[str]]]]

    def total(self, jour: date) -> int:
        return sum(len(ids) for _, _, ids in self.par_jour.get(jour, []))


def nom_commune(code: str) -> str:
    """Nom de la commune d'après le référentiel ; le code INSEE à défaut."""
    try:
        from moteur.referentiel import commune

        ref = commune(code)
    except Exception:  # référentiel indisponible : le code suffit à situer
        return code
    return ref.nom if ref else code


def pause_dejeuner(
    debut: time, fin: time, minutes: int = PAUSE_MINUTES_DEFAUT
) -> tuple[time | None, time | None]:
    """La pause méridienne, à partir de midi, quand la journée l'enjambe."""
    if minutes <= 0:
        return None, None
    fin_pause = (datetime.combine(date.min, MIDI) + timedelta(minutes=minutes)).time()
    if debut >= MIDI or fin <= fin_pause:
        return None, None
    return MIDI, fin_pause


def jour_stage(
    jour: date, structure: StructureAccueil, pause_minutes: int = PAUSE_MINUTES_DEFAUT
) -> JourStage:
    pause_debut, pause_fin = pause_dejeuner(
        structure.heure_debut, structure.heure_fin, pause_minutes
    )
    return JourStage(
        date=jour,
        structure_id=structure.id,
        structure_nom=structure.nom,
        adresse=structure.adresse,
        commune=nom_commune(structure.commune_insee),
        heure_debut=structure.heure_debut,
        heure_fin=structure.heure_fin,
        pause_debut=pause_debut,
        pause_fin=pause_fin,
        tuteur=structure.tuteur,
        telephone=structure.telephone,
    )


def jours_du_groupe(
    session: Session,
    plan: Plan,
    projet_id: str,
    groupe: str,
    pauses: Mapping[str, int] | None = None,
) -> list[JourStage]:
    """Les journées d'un groupe, dans l'ordre des dates."""
    pauses = pauses or {}
    lignes = sorted(
        (lp for lp in plan.planning if lp.projet_id == projet_id and lp.groupe == groupe),
        key=lambda lp: lp.date,
    )
    return [
        jour_stage(
            lp.date,
            session.structures[lp.structure_id],
            pauses.get(lp.structure_id, PAUSE_MINUTES_DEFAUT),
        )
        for lp in lignes
    ]


def eleves_places(session: Session, plan: Plan) -> list[str]:
    """Les élèves placés (projet et groupe), dans l'ordre du fichier des élèves."""
    return [
        eid
        for eid in session.eleves
        if (a := plan.affectations.get(eid)) is not None and a.projet_id
    ]


def emploi_du_temps_eleve(
    session: Session, plan: Plan, eleve_id: str, pauses: Mapping[str, int] | None = None
) -> EmploiDuTempsEleve | None:
    """L'emploi du temps jour par jour d'un élève placé ; None s'il n'est pas placé."""
    affectation = plan.affectations.get(eleve_id)
    if affectation is None or not affectation.projet_id:
        return None
    eleve = session.eleves[eleve_id]
    return EmploiDuTempsEleve(
        eleve_id=eleve_id,
        uai=eleve.uai,
        projet_id=affectation.projet_id,
        groupe=affectation.groupe,
        jours=jours_du_groupe(session, plan, affectation.projet_id, affectation.groupe, pauses),
    )


def feuille_de_route(
    session: Session,
    plan: Plan,
    projet_id: str,
    groupe: str,
    pauses: Mapping[str, int] | None = None,
) -> FeuilleDeRoute:
    projet = session.projets[projet_id]
    eleves = [
        eid
        for eid, a in plan.affectations.items()
        if a.projet_id == projet_id and a.groupe == groupe
    ]
    return FeuilleDeRoute(
        projet_id=projet_id,
        projet_nom=projet.nom,
        groupe=groupe,
        referent=projet.referent,
        referent_telephone=projet.referent_telephone,
        jours=jours_du_groupe(session, plan, projet_id, groupe, pauses),
        eleves=sorted(eleves),
    )


def groupes_du_plan(plan: Plan) -> list[tuple[str, str]]:
    """Les couples (projet, groupe) présents dans le planning, triés."""
    return sorted({(lp.projet_id, lp.groupe) for lp in plan.planning})


def eleves_attendus(session: Session, plan: Plan, structure_id: str) -> ElevesAttendus:
    """Pour une structure, les élèves attendus chaque jour, groupe par groupe."""
    membres: dict[tuple[str, str], list[str]] = defaultdict(list)
    for eid, a in plan.affectations.items():
        if a.projet_id:
            membres[(a.projet_id, a.groupe)].append(eid)
    par_jour: dict[date, list[tuple[str, str, list[str]]]] = defaultdict(list)
    for lp in sorted(plan.planning, key=lambda lp: (lp.date, lp.projet_id, lp.groupe)):
        if lp.structure_id == structure_id:
            ids = sorted(membres.get((lp.projet_id, lp.groupe), []))
            par_jour[lp.date].append((lp.projet_id, lp.groupe, ids))
    return ElevesAttendus(
        structure_id=structure_id,
        structure_nom=session.structures[structure_id].nom,
        par_jour=dict(sorted(par_jour.items())),
    )
