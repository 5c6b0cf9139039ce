"""Points de vigilance d'un projet, calculés à partir des données (jamais cochés à la main).

Un point par fonction ; chacune renvoie un `Verdict(etat, raison)` où `etat` vaut « ok »,
« alerte » (à regarder, n'empêche pas la validation) ou « bloquant » (la coordination ne
peut pas valider tant qu'il échoue) et `raison` est une phrase en français pour le porteur.

Règles du droit du travail des mineurs (Code du travail, art. L3162-1 et suivants), appliquées
aux horaires quotidiens de chaque structure :
- temps de travail effectif : 7 h par jour avant 16 ans, 8 h à partir de 16 ans ;
- 35 h par semaine, 30 h avant 15 ans (stage d'observation) ;
- une pause d'au moins 30 minutes dès que la journée dépasse 4 h 30 ;
- présence seulement entre 6 h et 20 h avant 16 ans, entre 6 h et 22 h à partir de 16 ans.

Module pur : aucune dépendance à Django ; l'adaptateur `apps/projets/vigilance.py` construit
un `ProjetVigilance` depuis les modèles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from itertools import combinations, pairwise
from typing import NamedTuple

from moteur.distances import PORTEE_MARCHE_KM, haversine_km, minutes_a_pied
from moteur.modele import Point
from moteur.transport.mobilite import HorairesMobilite, constats

DOMAINE_SANTE = "J"
AGE_SECONDE_PAR_DEFAUT = 15  # âge supposé du plus jeune élève tant qu'aucun n'est affecté
PAUSE_MIN_MINUTES = 30
SEUIL_PAUSE_MINUTES = 4 * 60 + 30


class Etat(StrEnum):
    OK = "ok"
    ALERTE = "alerte"
    BLOQUANT = "bloquant"


_GRAVITE = {Etat.OK: 0, Etat.ALERTE: 1, Etat.BLOQUANT: 2}


class Verdict(NamedTuple):
    etat: Etat
    raison: str


@dataclass(frozen=True, slots=True)
class SiteVigilance:
    """Ce que la vigilance doit savoir d'une structure d'accueil."""

    id: str
    nom: str
    point: Point
    accueil_max: int
    heure_debut: time = time(9, 0)
    heure_fin: time = time(16, 30)
    pause_minutes: int = 60
    age_min: int = 14
    domaines: tuple[str, ...] = ()
    observation_seulement: bool = False
    jours: tuple[date, ...] = ()  # vide : tous les jours ouvrés
    jours_max: int | None = None  # jours d'accueil au plus dans la session (None : tous)

    @property
    def minutes_presence(self) -> int:
        return _minutes(self.heure_fin) - _minutes(self.heure_debut)

    @property
    def minutes_travail(self) -> int:
        return max(0, self.minutes_presence - self.pause_minutes)

    def ouverte_le(self, jour: date) -> bool:
        return not self.jours or jour in self.jours


@dataclass(frozen=True, slots=True)
class Creneau:
    groupe: str
    jour: date
    site_id: str


@dataclass(slots=True)
class ProjetVigilance:
    nom: str
    rendez_vous: Point
    places: int
    sites: tuple[SiteVigilance, ...]
    distance_max_km: float = 25.0
    jours_ouvres: tuple[date, ...] = ()
    porteur: str = ""
    referent: str = ""
    referent_telephone: str = ""
    outil_pedagogique: str = ""
    restitution_prevue: bool = False
    groupes: dict[str, int] = field(default_factory=dict)  # libellé → nombre d'élèves
    creneaux: tuple[Creneau, ...] = ()
    ages_eleves: tuple[int, ...] = ()  # âge au premier jour des élèves affectés
    # Sans élève affecté : le plus jeune âge supposé de chaque groupe du programme proposé,
    # et la phrase qui dit d'où vient l'hypothèse (affichée au porteur).
    ages_groupes: dict[str, int] = field(default_factory=dict)
    hypothese_ages: str = ""
    # Les trajets en vrais horaires quand la session a un flux GTFS (moteur.transport.mobilite).
    horaires: HorairesMobilite | None = None

    @property
    def age_plus_jeune(self) -> int:
        if self.ages_eleves:
            return min(self.ages_eleves)
        if self.ages_groupes:
            return min(self.ages_groupes.values())
        return AGE_SECONDE_PAR_DEFAUT

    def age_du_groupe(self, groupe: str) -> int:
        """Âge du plus jeune membre du groupe : réel, sinon supposé, sinon le défaut."""
        if self.ages_eleves:
            return min(self.ages_eleves)
        return self.ages_groupes.get(groupe, self.age_plus_jeune)

    @property
    def base_des_ages(self) -> str:
        if self.ages_eleves:
            return "d'après les élèves affectés"
        if self.ages_groupes:
            return f"d'après les âges supposés : {self.hypothese_ages}".rstrip()
        return f"en supposant {AGE_SECONDE_PAR_DEFAUT} ans, sans programme proposé"


@dataclass(frozen=True, slots=True)
class PointVigilance:
    code: str
    titre: str
    verdict: Verdict
    horaires: HorairesMobilite | None = None  # le détail des trajets (point « mobilité »)

    @property
    def etat(self) -> Etat:
        return self.verdict.etat

    @property
    def raison(self) -> str:
        return self.verdict.raison


# --- Outils ---------------------------------------------------------------------------


def _minutes(heure: time) -> int:
    return heure.hour * 60 + heure.minute


def duree_fr(minutes: float) -> str:
    """« 7 h », « 4 h 30 », « 25 min »."""
    total = round(minutes)
    heures, reste = divmod(total, 60)
    if heures == 0:
        return f"{reste} min"
    return f"{heures} h" if reste == 0 else f"{heures} h {reste:02d}"


def km_fr(distance: float) -> str:
    return f"{distance:.1f}".replace(".", ",") + " km"


def heure_fr(heure: time) -> str:
    return f"{heure.hour} h" if heure.minute == 0 else f"{heure.hour} h {heure.minute:02d}"


def pire(verdicts: Iterable[Verdict]) -> Etat:
    return max((v.etat for v in verdicts), key=_GRAVITE.__getitem__, default=Etat.OK)


def combiner(verdicts: Sequence[Verdict], si_ok: str) -> Verdict:
    """Le pire état ; les raisons des verdicts non « ok » (ou `si_ok` si tout va bien)."""
    problemes = [v.raison for v in verdicts if v.etat != Etat.OK]
    if not problemes:
        return Verdict(Etat.OK, si_ok)
    return Verdict(pire(verdicts), " ".join(problemes))


def trajet_fr(distance: float) -> str:
    """« 3,2 km à vol d'oiseau (≈ 55 min à pied) » : aucune durée en transport n'est
    devinée d'une distance ; les vraies viennent des horaires (flux GTFS)."""
    return f"{km_fr(distance)} à vol d'oiseau (≈ {duree_fr(minutes_a_pied(distance))} à pied)"


SANS_HORAIRES = (
    "Estimation à vol d'oiseau, sans horaires : aucun flux GTFS n'est téléversé pour la session."
)


# --- Mobilité -------------------------------------------------------------------------


def _sequences(projet: ProjetVigilance) -> list[list[str]]:
    """Suite des sites de chaque groupe, jour après jour."""
    par_groupe: dict[str, list[Creneau]] = defaultdict(list)
    for creneau in projet.creneaux:
        par_groupe[creneau.groupe].append(creneau)
    return [
        [c.site_id for c in sorted(creneaux, key=lambda c: c.jour)]
        for _, creneaux in sorted(par_groupe.items())
    ]


def plus_grand_saut(projet: ProjetVigilance) -> tuple[float, str, str] | None:
    """Plus grande distance entre deux sites consécutifs d'un groupe (ou, sans programme,
    entre deux sites quelconques du projet)."""
    sites = {s.id: s for s in projet.sites}
    paires: set[tuple[str, str]] = set()
    sequences = _sequences(projet)
    if sequences:
        for suite in sequences:
            paires.update((a, b) for a, b in pairwise(suite) if a != b)
    else:
        paires.update(combinations(sorted(sites), 2))
    mesures = [
        (haversine_km(sites[a].point, sites[b].point), sites[a].nom, sites[b].nom)
        for a, b in paires
        if a in sites and b in sites
    ]
    return max(mesures, default=None)


def plus_loin_du_rendez_vous(projet: ProjetVigilance) -> tuple[float, str] | None:
    mesures = [(haversine_km(projet.rendez_vous, s.point), s.nom) for s in projet.sites]
    return max(mesures, default=None)


def mobilite(projet: ProjetVigilance) -> Verdict:
    """Bloquant au-delà de `distance_max_km` à vol d'oiseau (règle de la session). Avec un
    flux GTFS : les vrais trajets (alerte si un groupe ne peut pas aller d'une structure à la
    suivante à temps, ou une structure hors d'atteinte du point de rendez-vous). Sans flux :
    alerte au-delà de la marche, estimation dite comme telle."""
    if not projet.sites:
        return Verdict(
            Etat.ALERTE, "Aucune structure d'accueil : la mobilité ne peut être évaluée."
        )
    mesures: list[tuple[float, str]] = []
    depuis_rdv = plus_loin_du_rendez_vous(projet)
    if depuis_rdv:
        mesures.append((depuis_rdv[0], f"du point de rendez-vous à {depuis_rdv[1]}"))
    saut = plus_grand_saut(projet)
    if saut:
        mesures.append((saut[0], f"entre {saut[1]} et {saut[2]}"))
    distance, libelle = max(mesures)
    detail = f"Plus grand trajet : {trajet_fr(distance)}, {libelle}."
    if distance > projet.distance_max_km:
        return Verdict(
            Etat.BLOQUANT,
            f"{detail} C'est au-delà de la distance maximale de la session "
            f"({km_fr(projet.distance_max_km)}) : rapprochez les structures.",
        )
    if projet.horaires is not None:
        return mobilite_horaires(projet.horaires)
    if distance > PORTEE_MARCHE_KM:
        return Verdict(
            Etat.ALERTE,
            f"{detail} Au-delà de {km_fr(PORTEE_MARCHE_KM)}, prévoyez un transport "
            f"collectif (voir avec la communauté de communes). {SANS_HORAIRES}",
        )
    return Verdict(Etat.OK, f"{detail} Tout se fait à pied. {SANS_HORAIRES}")


def mobilite_horaires(horaires: HorairesMobilite) -> Verdict:
    """Le verdict des vrais trajets (horaires du jour de calcul, dans la limite de durée)."""
    problemes, resume = constats(horaires)
    if problemes:
        return Verdict(Etat.ALERTE, problemes)
    return Verdict(Etat.OK, resume)


# --- Sécurité et droit des mineurs ------------------------------------------------------


def limite_quotidienne_minutes(age: int) -> int:
    return 7 * 60 if age < 16 else 8 * 60


def limite_hebdomadaire_minutes(age: int) -> int:
    return 30 * 60 if age < 15 else 35 * 60


def plage_presence(age: int) -> tuple[time, time]:
    return (time(6, 0), time(20, 0)) if age < 16 else (time(6, 0), time(22, 0))


def horaires_site(site: SiteVigilance, age: int) -> Verdict:
    """Une journée type de la structure contre le droit des mineurs, pour un élève de `age`."""
    problemes: list[str] = []
    travail = site.minutes_travail
    limite = limite_quotidienne_minutes(age)
    if travail > limite:
        problemes.append(
            f"{duree_fr(travail)} de présence effective par jour, au-delà de "
            f"{duree_fr(limite)} à {age} ans."
        )
    if site.minutes_presence > SEUIL_PAUSE_MINUTES and site.pause_minutes < PAUSE_MIN_MINUTES:
        problemes.append(
            f"journée de {duree_fr(site.minutes_presence)} avec {duree_fr(site.pause_minutes)} "
            f"de pause : il faut {PAUSE_MIN_MINUTES} min de pause après 4 h 30."
        )
    debut, fin = plage_presence(age)
    if site.heure_debut < debut or site.heure_fin > fin:
        problemes.append(
            f"horaires {heure_fr(site.heure_debut)} – {heure_fr(site.heure_fin)} hors de la "
            f"plage autorisée à {age} ans ({heure_fr(debut)} – {heure_fr(fin)})."
        )
    if not problemes:
        return Verdict(Etat.OK, f"{site.nom} : horaires conformes.")
    return Verdict(Etat.BLOQUANT, f"{site.nom} : " + " ; ".join(problemes))


def semaines(projet: ProjetVigilance) -> dict[tuple[str, int, int], int]:
    """Minutes de présence effective par (groupe, année, semaine ISO) d'après le programme."""
    sites = {s.id: s for s in projet.sites}
    total: dict[tuple[str, int, int], int] = defaultdict(int)
    for creneau in projet.creneaux:
        site = sites.get(creneau.site_id)
        if site is not None:
            annee, semaine, _ = creneau.jour.isocalendar()
            total[(creneau.groupe, annee, semaine)] += site.minutes_travail
    return total


def duree_hebdomadaire(projet: ProjetVigilance) -> Verdict:
    """Chaque groupe, chaque semaine, contre la limite de l'âge de son plus jeune membre ;
    bloquant pour des élèves affectés, alerte pour des âges seulement supposés."""
    par_semaine = semaines(projet)
    if not par_semaine:  # sans programme : la journée la plus longue, cinq jours de suite
        age = projet.age_plus_jeune
        minutes = 5 * max((s.minutes_travail for s in projet.sites), default=0)
        par_semaine = {("", 0, 0): minutes}
    mesures = [
        (minutes - limite_hebdomadaire_minutes(projet.age_du_groupe(g)), minutes, g, semaine)
        for (g, _, semaine), minutes in par_semaine.items()
    ]
    depassement, minutes, groupe, semaine = max(mesures)
    age = projet.age_du_groupe(groupe)
    contexte = (
        f"le groupe {groupe}, semaine {semaine}"
        if groupe
        else "cinq journées de la structure la plus longue"
    )
    if depassement <= 0:
        plus_long = max(m for _, m, _, _ in mesures)
        return Verdict(Etat.OK, f"Au plus {duree_fr(plus_long)} par semaine ({contexte}).")
    texte = (
        f"{duree_fr(minutes)} sur une semaine ({contexte}), au-delà de "
        f"{duree_fr(limite_hebdomadaire_minutes(age))} à {age} ans"
    )
    if projet.ages_eleves or not projet.ages_groupes:
        return Verdict(Etat.BLOQUANT, texte + ".")
    return Verdict(
        Etat.ALERTE,
        f"{texte}, si ce groupe compte bien un élève de {age} ans comme supposé : prévoyez "
        "pour lui des journées plus courtes ou une structure aux horaires plus courts.",
    )


def age_minimum(projet: ProjetVigilance) -> Verdict:
    age = projet.age_plus_jeune
    trop_jeunes = [s for s in projet.sites if s.age_min > age]
    if not trop_jeunes:
        return Verdict(Etat.OK, "Âge minimum des structures compatible avec les élèves.")
    noms = ", ".join(f"{s.nom} ({s.age_min} ans)" for s in trop_jeunes)
    if projet.ages_eleves:
        return Verdict(
            Etat.BLOQUANT, f"Âge minimum supérieur au plus jeune élève ({age} ans) : {noms}."
        )
    if projet.ages_groupes:
        return Verdict(
            Etat.ALERTE,
            f"Structures qui n'accueillent pas les élèves de {age} ans supposés : {noms} ; "
            "le programme ne leur envoie que des groupes assez âgés.",
        )
    return Verdict(
        Etat.ALERTE,
        f"Âge minimum supérieur à {age} ans, âge courant en seconde : {noms}.",
    )


def sante_observation(projet: ProjetVigilance) -> Verdict:
    sans_observation = [
        s.nom for s in projet.sites if DOMAINE_SANTE in s.domaines and not s.observation_seulement
    ]
    if sans_observation:
        return Verdict(
            Etat.BLOQUANT,
            "Structures de santé où les élèves doivent seulement observer (à cocher dans leur "
            f"fiche) : {', '.join(sans_observation)}.",
        )
    return Verdict(Etat.OK, "Secteur santé limité à l'observation.")


def securite(projet: ProjetVigilance) -> Verdict:
    """Sécurité et droit des mineurs : horaires de chaque structure, semaine, âge, santé."""
    age = projet.age_plus_jeune
    verdicts = [horaires_site(s, age) for s in projet.sites]
    verdicts += [duree_hebdomadaire(projet), age_minimum(projet), sante_observation(projet)]
    verdict = combiner(
        verdicts, f"Horaires, âge minimum et santé conformes ({projet.base_des_ages})."
    )
    if verdict.etat == Etat.OK:
        return verdict
    return Verdict(verdict.etat, f"{verdict.raison} Âges retenus : {projet.base_des_ages}.")


# --- Pédagogie, capacité, porteur, référent ------------------------------------------------


def outil_pedagogique(projet: ProjetVigilance) -> Verdict:
    outil = projet.outil_pedagogique.strip()
    if outil and projet.restitution_prevue:
        return Verdict(Etat.OK, f"Outil pédagogique : {outil}, avec un temps de restitution.")
    if outil:
        return Verdict(
            Etat.ALERTE, f"Outil pédagogique : {outil}, mais aucun temps de restitution prévu."
        )
    return Verdict(
        Etat.ALERTE,
        "Aucun outil pédagogique (fortement recommandé : élève reporter, production écrite "
        "ou visuelle, film de 2 minutes) ni temps de restitution.",
    )


def occupation(projet: ProjetVigilance) -> dict[tuple[date, str], int]:
    """Élèves présents par (jour, structure) d'après le programme."""
    presents: dict[tuple[date, str], int] = defaultdict(int)
    for creneau in projet.creneaux:
        presents[(creneau.jour, creneau.site_id)] += projet.groupes.get(creneau.groupe, 0)
    return presents


def verifier_case(
    site: SiteVigilance, jour: date, presents: int, age: int | None = None
) -> Verdict:
    """Une case de la grille : la structure est-elle ouverte, assez grande, et accepte-t-elle
    l'âge du plus jeune élève du groupe ?"""
    problemes = []
    if not site.ouverte_le(jour):
        problemes.append(f"{site.nom} n'accueille pas le {jour:%d/%m}.")
    if presents > site.accueil_max:
        problemes.append(f"{presents} élèves pour {site.accueil_max} places chez {site.nom}.")
    if age is not None and site.age_min > age:
        problemes.append(f"{site.nom} n'accueille qu'à partir de {site.age_min} ans.")
    if problemes:
        return Verdict(Etat.BLOQUANT, " ".join(problemes))
    return Verdict(Etat.OK, f"{site.nom} : {presents}/{site.accueil_max} élèves.")


def _capacite_sans_programme(projet: ProjetVigilance) -> Verdict:
    par_jour = sum(s.accueil_max for s in projet.sites)
    plus_petite = min(s.accueil_max for s in projet.sites)
    if par_jour < projet.places:
        return Verdict(
            Etat.BLOQUANT,
            f"{projet.places} places mais les structures n'accueillent que {par_jour} élèves "
            "par jour au total : recrutez d'autres structures ou réduisez les places.",
        )
    if plus_petite < projet.places and len(projet.sites) > 1:
        return Verdict(
            Etat.ALERTE,
            f"{projet.places} élèves et une structure qui n'en prend que {plus_petite} : "
            "il faudra des groupes d'au plus cette taille (programme à établir).",
        )
    return Verdict(Etat.OK, f"{par_jour} élèves par jour au total pour {projet.places} places.")


def capacite(projet: ProjetVigilance) -> Verdict:
    """Tailles de groupes contre capacités : « 10 élèves, des structures qui en prennent 5 »."""
    if not projet.sites:
        return Verdict(Etat.BLOQUANT, "Aucune structure d'accueil.")
    if not projet.creneaux:
        return _capacite_sans_programme(projet)
    sites = {s.id: s for s in projet.sites}
    verdicts = [
        verifier_case(sites[sid], jour, presents)
        for (jour, sid), presents in sorted(occupation(projet).items())
        if sid in sites
    ]
    trous = _jours_sans_structure(projet)
    if trous:
        verdicts.append(Verdict(Etat.ALERTE, trous))
    eleves = sum(projet.groupes.values())
    return combiner(
        verdicts,
        f"{len(projet.groupes)} groupe{'s' if len(projet.groupes) > 1 else ''}, {eleves} élèves : "
        "chaque structure suffit.",
    )


def _jours_sans_structure(projet: ProjetVigilance) -> str:
    occupes = {(c.groupe, c.jour) for c in projet.creneaux}
    manquants = [
        f"{groupe} le {jour:%d/%m}"
        for groupe in sorted(projet.groupes)
        for jour in projet.jours_ouvres
        if (groupe, jour) not in occupes
    ]
    if not manquants:
        return ""
    suite = "…" if len(manquants) > 5 else ""
    return f"Jours sans structure : {', '.join(manquants[:5])}{suite}."


def porteur(projet: ProjetVigilance) -> Verdict:
    if projet.porteur.strip():
        return Verdict(Etat.OK, f"Porteur de la convention : {projet.porteur}.")
    return Verdict(
        Etat.BLOQUANT,
        "Aucun porteur désigné : c'est lui qui signe la convention avec chaque établissement "
        "et endosse la responsabilité légale des élèves.",
    )


def referent(projet: ProjetVigilance) -> Verdict:
    if not projet.referent.strip():
        return Verdict(Etat.BLOQUANT, "Aucun référent nommé pour le groupe.")
    if not projet.referent_telephone.strip():
        return Verdict(Etat.ALERTE, f"Référent : {projet.referent}, sans téléphone.")
    return Verdict(Etat.OK, f"Référent : {projet.referent} ({projet.referent_telephone}).")


# --- Élèves supposés et obstacles au programme ------------------------------------------


def repartir(n: int, parts: Sequence[tuple[int, float]]) -> dict[int, int]:
    """`n` élèves répartis par âge selon les proportions (plus forts restes) ; somme `n`."""
    total = sum(p for _, p in parts) or 1.0
    exacts = [(age, n * p / total) for age, p in parts]
    effectifs = {age: int(x) for age, x in exacts}
    restes = sorted(exacts, key=lambda e: (-(e[1] - int(e[1])), e[0]))
    for age, _ in restes[: n - sum(effectifs.values())]:
        effectifs[age] += 1
    return {age: k for age, k in sorted(effectifs.items()) if k}


def liste_fr(noms: Sequence[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    noms = list(noms)
    if len(noms) <= 1:
        return "".join(noms)
    return f"{', '.join(noms[:-1])} et {noms[-1]}"


def effectifs_fr(effectifs: dict[int, int]) -> str:
    """« 1 élève de 14 ans, 11 de 15 ans et 8 de 16 ans »."""
    morceaux: list[str] = []
    for age, k in sorted(effectifs.items()):
        eleves = "" if morceaux else (" élève" if k == 1 else " élèves")
        morceaux.append(f"{k}{eleves} de {age} ans")
    return liste_fr(morceaux)


def jours_fr(jours: Sequence[date]) -> str:
    textes = [f"{j:%d/%m}" for j in jours]
    return f"le {textes[0]}" if len(textes) == 1 else f"les {liste_fr(textes)}"


@dataclass(frozen=True, slots=True)
class Obstacle:
    """Ce qui empêche tout programme : une phrase qui nomme structures et dates, la
    correction à essayer, et les structures en cause (leurs `id`)."""

    message: str
    correction: str
    sites: tuple[str, ...] = ()

    @property
    def texte(self) -> str:
        return f"{self.message} {self.correction}"


def _eleves_jusqu_a(effectifs: dict[int, int], age: int) -> int:
    return sum(k for a, k in effectifs.items() if a <= age)


# Un manque de places : (clé de regroupement, élèves, places, structures fermées) ; la clé
# (âge, élèves, places, ids des fermées, pour tous) regroupe les jours identiques.
CleManque = tuple[int, int, int, tuple[str, ...], bool]
Manque = tuple[CleManque, int, int, tuple[SiteVigilance, ...]]


def _manque_du_jour(
    sites: Sequence[SiteVigilance], jour: date, effectifs: dict[int, int], age: int, tous: bool
) -> Manque | None:
    """(clé, élèves, places, fermées) si les élèves de `age` ans au plus n'ont pas assez de
    places ce jour-là dans les structures qui les accueillent."""
    n = _eleves_jusqu_a(effectifs, age)
    accueillantes = [s for s in sites if s.age_min <= age]
    places = sum(s.accueil_max for s in accueillantes if s.ouverte_le(jour))
    if n <= places:
        return None
    fermees = tuple(s for s in accueillantes if not s.ouverte_le(jour))
    return (age, n, places, tuple(s.id for s in fermees), tous), n, places, fermees


def _obstacles_par_jour(
    sites: Sequence[SiteVigilance], jours: Sequence[date], effectifs: dict[int, int]
) -> list[Obstacle]:
    """Chaque jour, pour chaque âge (du plus jeune au plus âgé), les élèves de cet âge ou
    moins tiennent-ils dans les structures qui les accueillent ? Jours identiques regroupés."""
    plus_age = max(effectifs)
    manques: dict[CleManque, tuple[Manque, list[date]]] = {}
    for jour in jours:
        # Le manque de places pour tous d'abord (le plus parlant), puis les plus jeunes.
        for age in [plus_age, *sorted(a for a in effectifs if a != plus_age)]:
            manque = _manque_du_jour(sites, jour, effectifs, age, age == plus_age)
            if manque is not None:
                manques.setdefault(manque[0], (manque, []))[1].append(jour)
                break
    return [_obstacle_places(m, dates) for m, dates in manques.values()]


def _options(options: Sequence[str]) -> str:
    """« À essayer : a, b ou c. »"""
    options = [o for o in options if o]
    debut = ", ".join(options[:-1])
    return f"À essayer : {debut + ' ou ' if debut else ''}{options[-1]}."


def _fermees_fr(noms: Sequence[str]) -> str:
    return f"{liste_fr(noms)} {'est fermée' if len(noms) == 1 else 'sont fermées'}"


def _obstacle_places(manque: Manque, dates: list[date]) -> Obstacle:
    (age, _, _, _, tous), n, places, fermees = manque
    quand = jours_fr(dates)
    ces_jours = "ce jour-là" if len(dates) == 1 else "ces jours-là"
    noms = [s.nom for s in fermees]
    ouvrir = f"demander à {liste_fr(noms)} d'ouvrir {ces_jours}" if noms else ""
    debut = f"{quand[0].upper()}{quand[1:]}, {places} place{'s' if places > 1 else ''} pour"
    if tous:
        cause = _fermees_fr(noms) if noms else "aucune autre structure du projet n'accueille"
        return Obstacle(
            f"{debut} {n} élèves : {cause}.",
            _options(
                [
                    f"prévoir au plus {places} élèves" if places else "",
                    ouvrir,
                    f"ajouter une structure ouverte {ces_jours}",
                ]
            ),
            tuple(s.id for s in fermees),
        )
    cause = f"seules les structures qui accueillent dès {age} ans comptent" + (
        f", et {_fermees_fr(noms)}" if noms else ""
    )
    return Obstacle(
        f"{debut} {n} élève{'s' if n > 1 else ''} de {age} ans ou moins : {cause}.",
        _options(
            [
                ouvrir,
                f"demander à une structure du projet d'accueillir dès {age} ans",
                f"ajouter une structure qui accueille dès {age} ans",
            ]
        ),
        tuple(s.id for s in fermees),
    )


def _obstacle_jours_max(
    sites: Sequence[SiteVigilance], jours: Sequence[date], effectifs: dict[int, int]
) -> list[Obstacle]:
    """Journées-élèves offertes (capacité × jours d'ouverture, bornés par `jours_max`)
    contre les journées à couvrir, pour tous les élèves."""
    n = sum(effectifs.values())
    offertes, bornees = 0, []
    for s in sites:
        ouverts = sum(1 for j in jours if s.ouverte_le(j))
        jmax = ouverts if s.jours_max is None else min(ouverts, s.jours_max)
        offertes += s.accueil_max * jmax
        if s.jours_max is not None and s.jours_max < ouverts:
            bornees.append(s)
    besoin = n * len(jours)
    if offertes >= besoin or not bornees:
        return []
    details = liste_fr([f"{s.nom} ({s.jours_max} jours au plus)" for s in bornees])
    return [
        Obstacle(
            f"Les structures offrent {offertes} journées-élèves pour {n} élèves × "
            f"{len(jours)} jours = {besoin}, car {details} n'ouvrent pas tous leurs jours.",
            f"À essayer : prévoir au plus {offertes // max(1, len(jours))} élèves, relever "
            "le nombre de jours d'accueil de ces structures, ou en ajouter une.",
            tuple(s.id for s in bornees),
        )
    ]


def obstacles(
    sites: Sequence[SiteVigilance], jours: Sequence[date], effectifs: dict[int, int]
) -> list[Obstacle]:
    """Pourquoi aucun programme n'existe pour ces élèves (âge → nombre), en phrases qui
    nomment structures et dates ; vide si ces contrôles ne voient rien (le moteur peut
    encore échouer sur la taille des groupes). Appelé par l'étape 2 et par la proposition."""
    if not effectifs or not jours:
        return []
    if not sites:
        return [Obstacle("Aucune structure d'accueil.", "À essayer : en choisir à l'étape 2.")]
    return _obstacles_par_jour(sites, jours, effectifs) or _obstacle_jours_max(
        sites, jours, effectifs
    )


def remarques_site(
    site: SiteVigilance, jours: Sequence[date], effectifs: dict[int, int]
) -> list[tuple[str, bool]]:
    """Ce qui limite une structure pour ces élèves (affiché à l'étape 2) : (texte, grave),
    grave quand la structure n'accueillera personne."""
    remarques = []
    if jours and not any(site.ouverte_le(j) for j in jours):
        remarques.append(
            ("fermée tous les jours de la session : elle n'accueillera personne", True)
        )
    n = sum(effectifs.values())
    exclus = sum(k for age, k in effectifs.items() if age < site.age_min)
    if n and exclus == n:
        remarques.append((f"aucun des élèves supposés n'a {site.age_min} ans", True))
    elif exclus:
        texte = f"n'accueille pas {exclus} des {n} élèves supposés (moins de {site.age_min} ans)"
        remarques.append((texte, False))
    return remarques


POINTS = (
    ("mobilite", "Mobilité des jeunes", mobilite),
    ("securite", "Sécurité et droit des mineurs", securite),
    ("pedagogie", "Outil pédagogique et restitution", outil_pedagogique),
    ("capacite", "Capacité d'accueil", capacite),
    ("porteur", "Portage de la convention", porteur),
    ("referent", "Encadrement : référent nommé", referent),
)


def evaluer(projet: ProjetVigilance) -> list[PointVigilance]:
    return [
        PointVigilance(
            code, titre, fonction(projet), projet.horaires if code == "mobilite" else None
        )
        for code, titre, fonction in POINTS
    ]


def bloquants(points: Iterable[PointVigilance]) -> list[PointVigilance]:
    return [p for p in points if p.etat == Etat.BLOQUANT]
