"""Programme d'un projet : la grille de rotation (groupes × jours), sa proposition par le
moteur et son enregistrement en `Groupe`/`Creneau`.

La proposition part du nombre d'élèves saisi par le porteur et du mélange d'âges supposé
de la session (`vigilance.hypothese_ages`) : les obstacles évidents (places par jour,
âges, `jours_max`) sont expliqués en phrases par `moteur.vigilance.obstacles` ; sinon la
rotation vient de `moteur.rotation.planifier_rotation` sur des élèves supposés. Les
structures y portent leur nom (rendu unique) comme identifiant : un message du moteur ne
montre jamais un identifiant de base de données.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from django.db import transaction

from apps.projets.models import Creneau, Groupe, Projet
from apps.projets.vigilance import hypothese_ages, projet_vigilance, site, tailles_des_groupes
from apps.structures.models import StructureAccueil
from moteur import modele as m
from moteur import vigilance as v
from moteur.regles import ne_au_plus_tard
from moteur.rotation import planifier_rotation

LIMITE_S = 5.0  # temps laissé au solveur pendant une requête web
RAISONS_MAX = 2  # un échec s'explique en une ou deux phrases


@dataclass(frozen=True, slots=True)
class Case:
    groupe_pk: int
    jour: date
    structure_id: int | None
    verdict: v.Verdict | None
    nom: str = ""

    @property
    def bloquante(self) -> bool:
        return self.verdict is not None and self.verdict.etat == v.Etat.BLOQUANT


def noms_uniques(structures: list[StructureAccueil]) -> dict[int, str]:
    """pk → nom lisible et unique dans le projet (commune ajoutée aux homonymes)."""
    compte = Counter(s.nom for s in structures)
    noms: dict[int, str] = {}
    for s in structures:
        nom = s.nom if compte[s.nom] == 1 else f"{s.nom} ({s.commune.nom})"
        while nom in noms.values():
            nom = f"{nom} bis"
        noms[s.pk] = nom
    return noms


def _structure_moteur(s: StructureAccueil, nom: str) -> m.StructureAccueil:
    return m.StructureAccueil(
        id=nom,
        nom=nom,
        domaines=tuple(s.liste_domaines),
        commune_insee=s.commune_id,
        point=m.Point(s.latitude, s.longitude),
        accueil_max=s.accueil_max,
        jours=tuple(s.dates_accueil),
        jours_max=s.jours_max,
        age_min=s.age_min,
        heure_debut=s.heure_debut,
        heure_fin=s.heure_fin,
    )


def _session_moteur(
    projet: Projet, structures: list[StructureAccueil], noms: dict[int, str]
) -> m.Session:
    session = m.Session(parametres=projet.session.parametres())
    for s in structures:
        session.structures[noms[s.pk]] = _structure_moteur(s, noms[s.pk])
    session.projets[projet.code] = m.Projet(
        id=projet.code,
        nom=projet.nom,
        type=m.TypeProjet(projet.type),
        porteur=projet.porteur.nom if projet.porteur_id else "",
        commune_insee=projet.commune_id,
        point=m.Point(projet.latitude, projet.longitude),
        places=projet.places,
        structures=tuple(session.structures),
    )
    return session


def eleves_supposes(
    session: m.Session, projet_id: str, effectifs: dict[int, int]
) -> dict[str, m.Eleve]:
    """Élèves fictifs « n° 1 », « n° 2 »… : `effectifs[age]` élèves qui ont `age` ans tout
    au long de la session (anniversaire le premier jour), les plus jeunes d'abord."""
    projet = session.projets[projet_id]
    debut = session.parametres.date_debut
    eleves: dict[str, m.Eleve] = {}
    for age, nombre in sorted(effectifs.items()):
        for _ in range(nombre):
            eid = f"n° {len(eleves) + 1}"
            eleves[eid] = m.Eleve(
                id=eid,
                uai="",
                date_naissance=ne_au_plus_tard(debut, age),
                voeux=(projet_id,),
                commune_insee=projet.commune_insee,
                point=projet.point,
            )
    return eleves


@dataclass(frozen=True, slots=True)
class Proposition:
    cases: int
    groupes: int
    raisons: tuple[str, ...] = ()
    effectifs: tuple[tuple[int, int], ...] = ()
    source: str = ""

    @property
    def eleves_fr(self) -> str:
        return v.effectifs_fr(dict(self.effectifs))


@dataclass(frozen=True, slots=True)
class _GroupePropose:
    libelle: str
    taille: int
    age: int


def _resoudre(
    projet: Projet, structures: list[StructureAccueil], effectifs: dict[int, int]
) -> tuple[list[_GroupePropose], list[tuple[str, date, int]], tuple[str, ...]]:
    """Groupes, lignes (groupe, jour, pk de structure) et raisons d'un échec du moteur."""
    noms = noms_uniques(structures)
    pk_par_nom = {nom: pk for pk, nom in noms.items()}
    session = _session_moteur(projet, structures, noms)
    fictifs = eleves_supposes(session, projet.code, effectifs)
    copie = replace(session, eleves=fictifs)
    affectations = {eid: m.Affectation(eid, projet.code, 1) for eid in fictifs}
    resultat = planifier_rotation(copie, affectations, limite_s=LIMITE_S)
    echec = resultat.echecs.get(projet.code)
    if echec is not None or not resultat.planning:
        raisons = echec.raisons if echec else ("aucune rotation trouvée",)
        return [], [], _expliquer_echec_moteur(raisons)
    debut = session.parametres.date_debut
    groupes = [
        _GroupePropose(g.libelle, g.taille, min(fictifs[e].age_le(debut) for e in g.eleves))
        for g in resultat.groupes.get(projet.code, [])
    ]
    lignes = [(lg.groupe, lg.date, pk_par_nom[lg.structure_id]) for lg in resultat.planning]
    return groupes, lignes, ()


def _expliquer_echec_moteur(raisons: tuple[str, ...]) -> tuple[str, ...]:
    premieres = list(dict.fromkeys(raisons))[:RAISONS_MAX]
    texte = " ; ".join(premieres)
    return (
        f"Aucune rotation trouvée : {texte}. À essayer : moins d'élèves, des groupes plus "
        "petits grâce à une structure de plus grande capacité, ou une structure de plus.",
    )


def proposer(projet: Projet, n: int) -> Proposition:
    """Remplace le programme du projet par une proposition pour `n` élèves supposés ; en
    cas d'échec, la grille existante est gardée et les raisons expliquées."""
    hypothese = hypothese_ages(projet.session)
    effectifs = hypothese.effectifs(n)
    resume = tuple(sorted(effectifs.items()))
    structures = list(projet.structures.select_related("commune").order_by("nom"))
    if not structures:
        return Proposition(0, 0, ("Aucune structure d'accueil : choisissez-en à l'étape 2.",))
    sites = [site(s) for s in structures]
    obstacles = v.obstacles(sites, projet.session.jours_ouvres, effectifs)
    if obstacles:
        raisons = tuple(o.texte for o in obstacles[:RAISONS_MAX])
    else:
        groupes, lignes, raisons = _resoudre(projet, structures, effectifs)
    if raisons:
        # La grille reste ; le nombre saisi est retenu (étape 2, formulaire pré-rempli).
        projet.eleves_prevus = n
        projet.save(update_fields=["eleves_prevus", "modifie_le"])
        return Proposition(0, 0, raisons, resume, hypothese.source)
    with transaction.atomic():
        Groupe.objects.filter(projet=projet).delete()
        enregistres = {
            g.libelle: Groupe.objects.create(
                projet=projet, libelle=g.libelle, taille_prevue=g.taille, age_prevu=g.age
            )
            for g in groupes
        }
        Creneau.objects.bulk_create(
            Creneau(groupe=enregistres[g], date=jour, structure_id=pk) for g, jour, pk in lignes
        )
        projet.eleves_prevus = n
        projet.hypothese_ages = hypothese.source[:400]
        projet.save(update_fields=["eleves_prevus", "hypothese_ages", "modifie_le"])
    return Proposition(len(lignes), len(enregistres), (), resume, hypothese.source)


def grille(projet: Projet) -> tuple[list[tuple[Groupe, list[Case]]], list[date]]:
    """Lignes (groupe, cases jour par jour, chacune vérifiée) et jours de la grille."""
    donnees = projet_vigilance(projet)
    sites = {s.id: s for s in donnees.sites}
    occupation = v.occupation(donnees)
    groupes = list(Groupe.objects.filter(projet=projet).order_by("libelle"))
    creneaux = {
        (c.groupe_id, c.date): c.structure_id
        for c in Creneau.objects.filter(groupe__projet=projet).order_by("groupe", "date")
    }
    lignes = []
    for groupe in groupes:
        age = donnees.age_du_groupe(groupe.libelle)
        cases = []
        for jour in donnees.jours_ouvres:
            sid = creneaux.get((groupe.pk, jour))
            verdict = None
            if sid is not None and str(sid) in sites:
                presents = occupation[(jour, str(sid))]
                verdict = v.verifier_case(sites[str(sid)], jour, presents, age)
            nom = sites[str(sid)].nom if str(sid) in sites else ""
            cases.append(Case(groupe.pk, jour, sid, verdict, nom))
        lignes.append((groupe, cases))
    return lignes, list(donnees.jours_ouvres)


def modifier_case(groupe: Groupe, jour: date, structure: StructureAccueil | None) -> None:
    """Une case de la grille : la structure du groupe ce jour-là (None : aucune)."""
    if structure is None:
        Creneau.objects.filter(groupe=groupe, date=jour).delete()
        return
    Creneau.objects.update_or_create(groupe=groupe, date=jour, defaults={"structure": structure})


__all__ = ["grille", "modifier_case", "proposer", "tailles_des_groupes"]
