"""Adaptateur : un projet de la base → `moteur.vigilance.ProjetVigilance`, puis les points.

Lecture en un nombre fixe de requêtes (structures, groupes avec leurs effectifs, créneaux,
âges des élèves affectés), quelle que soit la taille du projet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from apps.etablissements.models import Eleve
from apps.mobilite.services import horaires
from apps.projets.models import Creneau, Groupe, Projet
from apps.structures.models import StructureAccueil
from moteur import vigilance as v
from moteur.modele import Point, age_le
from moteur.rotation.groupes import tailles_equilibrees
from moteur.transport.mobilite import HorairesMobilite, Lieu, horaires_mobilite


def site(structure: StructureAccueil) -> v.SiteVigilance:
    return v.SiteVigilance(
        id=str(structure.pk),
        nom=structure.nom,
        point=Point(structure.latitude, structure.longitude),
        accueil_max=structure.accueil_max,
        heure_debut=structure.heure_debut,
        heure_fin=structure.heure_fin,
        pause_minutes=structure.pause_minutes,
        age_min=structure.age_min,
        domaines=tuple(structure.liste_domaines),
        observation_seulement=structure.observation_seulement,
        jours=tuple(structure.dates_accueil),
        jours_max=structure.jours_max,
    )


# Sans élève déposé dans la session : une seconde « type ». La plupart des élèves entrent
# en seconde l'année de leurs 15 ans (nés en N − 16 pour une session de l'année N) ;
# quelques-uns ont un an d'avance ou de retard. Ordres de grandeur, affichés comme tels.
COHORTES_PAR_DEFAUT = ((15, 0.05), (16, 0.85), (17, 0.10))  # (N − année de naissance, part)
MINIMUM_ELEVES_DEPOSES = 20  # en dessous, le mélange de la session n'est pas représentatif


@dataclass(frozen=True, slots=True)
class HypotheseAges:
    """Le mélange d'âges supposé des élèves, au premier jour, et d'où il vient."""

    parts: tuple[tuple[int, float], ...]  # (âge, proportion)
    source: str

    def effectifs(self, n: int) -> dict[int, int]:
        return v.repartir(n, self.parts)


def _pour_cent(part: float) -> str:
    return f"{round(100 * part)} %"


def _mille(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _parts_des_cohortes(debut: date) -> dict[int, float]:
    """Âges au premier jour de cohortes nées tout au long de l'année (naissances réparties
    uniformément) : nés après la date anniversaire, ils ont un an de moins."""
    ecoulee = (debut - date(debut.year, 1, 1)).days / 365
    parts: dict[int, float] = Counter()
    for ecart, part in COHORTES_PAR_DEFAUT:
        parts[ecart] += part * ecoulee
        parts[ecart - 1] += part * (1 - ecoulee)
    return {age: p for age, p in sorted(parts.items()) if p >= 0.005}


def hypothese_ages(session) -> HypotheseAges:
    """Les âges des élèves déposés pour la session au premier jour ; à défaut, une seconde
    type (voir `COHORTES_PAR_DEFAUT`)."""
    debut = session.date_debut
    naissances = Eleve.objects.filter(session=session).values_list("date_naissance", flat=True)
    ages = Counter(age_le(n, debut) for n in naissances)
    total = sum(ages.values())
    if total >= MINIMUM_ELEVES_DEPOSES:
        parts = tuple((age, k / total) for age, k in sorted(ages.items()))
        detail = ", ".join(f"{_pour_cent(p)} de {age} ans" for age, p in parts)
        return HypotheseAges(
            parts,
            f"{detail}, comme les {_mille(total)} élèves déposés par les lycées pour "
            f"cette session, âgés au {debut:%d/%m/%Y}",
        )
    parts = tuple(_parts_des_cohortes(debut).items())
    annee = debut.year
    detail = ", ".join(f"{_pour_cent(p)} de {age} ans" for age, p in parts)
    return HypotheseAges(
        parts,
        f"{detail} au {debut:%d/%m/%Y} : hypothèse d'une seconde type tant que les lycées "
        f"n'ont pas déposé leurs élèves (85 % nés en {annee - 16}, 5 % en {annee - 15} "
        f"avec un an d'avance, 10 % en {annee - 17} avec un an de retard)",
    )


def tailles_des_groupes(projet: Projet, groupes: list[Groupe]) -> dict[str, int]:
    """Effectif réel de chaque groupe s'il y a des élèves affectés ; sinon la taille prévue
    par le programme proposé ; à défaut, les places du projet réparties entre les groupes."""
    if not groupes:
        return {}
    if any(g.effectif for g in groupes):
        return {g.libelle: g.effectif for g in groupes}
    if any(g.taille_prevue for g in groupes):
        return {g.libelle: g.taille_prevue for g in groupes}
    tailles = tailles_equilibrees(projet.places, len(groupes))
    return {g.libelle: t for g, t in zip(groupes, tailles, strict=True)}


def projet_vigilance(
    projet: Projet, structures: list[StructureAccueil] | None = None
) -> v.ProjetVigilance:
    session = projet.session
    if structures is None:
        structures = list(projet.structures.order_by("nom"))
    groupes = list(
        Groupe.objects.filter(projet=projet)
        .annotate(effectif=Count("affectations"))
        .order_by("libelle")
    )
    libelles = {g.pk: g.libelle for g in groupes}
    creneaux = Creneau.objects.filter(groupe__projet=projet).order_by("groupe", "date")
    # Les élèves placés, par la relation inverse de leur affectation (la planification
    # dépend des projets, pas l'inverse).
    naissances = Eleve.objects.filter(affectation__projet=projet).values_list(
        "date_naissance", flat=True
    )
    creneaux_moteur = tuple(
        v.Creneau(libelles[c.groupe_id], c.date, str(c.structure_id)) for c in creneaux
    )
    return v.ProjetVigilance(
        nom=projet.nom,
        rendez_vous=Point(projet.latitude, projet.longitude),
        places=projet.places,
        sites=tuple(site(s) for s in structures),
        distance_max_km=session.distance_max_km,
        jours_ouvres=session.jours_ouvres,
        porteur=projet.porteur.nom if projet.porteur_id else "",
        referent=projet.referent,
        referent_telephone=projet.referent_telephone,
        outil_pedagogique=projet.outil_pedagogique,
        restitution_prevue=projet.restitution_prevue,
        groupes=tailles_des_groupes(projet, groupes),
        creneaux=creneaux_moteur,
        ages_eleves=tuple(sorted(Counter(age_le(n, session.date_debut) for n in naissances))),
        ages_groupes={g.libelle: g.age_prevu for g in groupes if g.age_prevu is not None},
        hypothese_ages=projet.hypothese_ages if any(g.age_prevu for g in groupes) else "",
        horaires=horaires_du_projet(projet, structures, creneaux_moteur),
    )


def horaires_du_projet(
    projet: Projet, structures: list[StructureAccueil], creneaux: tuple[v.Creneau, ...] = ()
) -> HorairesMobilite | None:
    """Les vrais trajets du projet quand la session a un flux GTFS (None sinon) : du point
    de rendez-vous à chaque structure, entre structures consécutives de chaque groupe."""
    donnees = horaires(projet.session)
    if donnees is None or not structures:
        return None
    lieux = [
        Lieu(str(s.pk), s.nom, Point(s.latitude, s.longitude), s.heure_debut) for s in structures
    ]
    return horaires_mobilite(
        donnees.reseau,
        donnees.parametres,
        donnees.jour,
        Point(projet.latitude, projet.longitude),
        lieux,
        [(c.groupe, c.jour, c.site_id) for c in creneaux],
    )


def points_de_vigilance(projet: Projet) -> list[v.PointVigilance]:
    """Les points du moteur, puis ceux que seule la plateforme connaît (structures reprises
    d'une saison précédente qui n'ont pas encore reconfirmé leur fiche)."""
    structures = list(projet.structures.order_by("nom"))
    points = v.evaluer(projet_vigilance(projet, structures))
    reconfirmation = point_reconfirmation(structures)
    return [*points, reconfirmation] if reconfirmation else points


def point_reconfirmation(structures: list[StructureAccueil]) -> v.PointVigilance | None:
    """Une alerte (pas un blocage) qui nomme les structures encore « à reconfirmer » : leur
    fiche, reprise de la saison précédente, porte les jours et les places de l'an dernier."""
    noms = [s.nom for s in structures if s.a_reconfirmer]
    if not noms:
        return None
    if len(noms) == 1:
        raison = (
            f"{noms[0]} n'a pas encore reconfirmé sa fiche reprise de la saison précédente : "
            "ses jours d'accueil et son nombre d'élèves par jour sont ceux de l'an dernier. "
            "Demandez-lui de la confirmer avant la validation du programme."
        )
    else:
        raison = (
            f"{_enumeration(noms)} n'ont pas encore reconfirmé leur fiche reprise de la "
            "saison précédente : leurs jours d'accueil et leur nombre d'élèves par jour sont "
            "ceux de l'an dernier. Demandez-leur de la confirmer avant la validation du "
            "programme."
        )
    return v.PointVigilance(
        "reconfirmation", "Structures à reconfirmer", v.Verdict(v.Etat.ALERTE, raison)
    )


def _enumeration(noms: list[str]) -> str:
    return ", ".join(noms[:-1]) + " et " + noms[-1]


def bloquants(projet: Projet) -> list[v.PointVigilance]:
    return v.bloquants(points_de_vigilance(projet))


@dataclass(frozen=True, slots=True)
class LigneStructure:
    """Une structure retenue vue comme le moteur la voit (étape 2)."""

    structure: StructureAccueil
    jours_ouverts: str
    remarques: tuple[str, ...]
    en_cause: bool  # elle fait échouer le projet, ou n'accueillera personne


@dataclass(frozen=True, slots=True)
class ApercuStructures:
    lignes: list[LigneStructure]
    obstacles: list[v.Obstacle]
    eleves: int
    effectifs: dict[int, int]
    hypothese: HypotheseAges

    @property
    def effectifs_fr(self) -> str:
        return v.effectifs_fr(self.effectifs)


def jours_ouverts_fr(structure: StructureAccueil, jours: tuple[date, ...]) -> str:
    """« tous (10 jours) », « du 15/06 au 19/06 (5 jours) », « aucun jour de la session »."""
    ouverts = [j for j in jours if site(structure).ouverte_le(j)]
    if not ouverts:
        return "aucun jour de la session"
    if len(ouverts) == len(jours):
        return f"tous ({len(jours)} jours)"
    plages: list[list[date]] = []
    for j in ouverts:
        if plages and jours.index(j) == jours.index(plages[-1][-1]) + 1:
            plages[-1].append(j)
        else:
            plages.append([j])
    textes = [
        f"{p[0]:%d/%m}" if len(p) == 1 else f"du {p[0]:%d/%m} au {p[-1]:%d/%m}" for p in plages
    ]
    return f"{', '.join(textes)} ({len(ouverts)} jour{'s' if len(ouverts) > 1 else ''})"


def apercu_structures(projet: Projet, structures: list[StructureAccueil]) -> ApercuStructures:
    """Chaque structure retenue, ce qui la limite, et les obstacles au programme pour les
    élèves prévus (ceux du dernier programme proposé, sinon les places du projet)."""
    jours = projet.session.jours_ouvres
    hypothese = hypothese_ages(projet.session)
    n = projet.eleves_prevus or projet.places
    effectifs = hypothese.effectifs(n)
    sites = [site(s) for s in structures]
    obstacles = v.obstacles(sites, jours, effectifs) if structures else []
    lignes = []
    for s, sv in zip(structures, sites, strict=True):
        remarques = v.remarques_site(sv, jours, effectifs)
        remarques += [(o.message, True) for o in obstacles if sv.id in o.sites]
        lignes.append(
            LigneStructure(
                s,
                jours_ouverts_fr(s, jours),
                tuple(texte for texte, _ in remarques),
                any(grave for _, grave in remarques),
            )
        )
    return ApercuStructures(lignes, obstacles, n, effectifs, hypothese)
