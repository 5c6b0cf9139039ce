"""Points de vigilance calculés (moteur pur)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest

from moteur.distances import haversine_km
from moteur.modele import Point
from moteur.vigilance import (
    Creneau,
    Etat,
    ProjetVigilance,
    SiteVigilance,
    age_minimum,
    bloquants,
    capacite,
    duree_hebdomadaire,
    evaluer,
    horaires_site,
    mobilite,
    outil_pedagogique,
    porteur,
    referent,
    sante_observation,
    securite,
    verifier_case,
)

CAEN = Point(49.1829, -0.3707)
LUNDI = date(2026, 6, 15)
JOURS = tuple(LUNDI + timedelta(days=i) for i in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11))


def decale(point: Point, km_est: float) -> Point:
    """Un point à `km_est` km à l'est (1° de longitude ≈ 111,32 × cos(lat) km)."""
    import math

    return Point(
        point.latitude, point.longitude + km_est / (111.32 * math.cos(math.radians(49.18)))
    )


def site(ident: str, km: float = 0.0, **champs) -> SiteVigilance:
    return SiteVigilance(
        id=ident, nom=f"Site {ident}", point=decale(CAEN, km), accueil_max=5, **champs
    )


def projet(*sites: SiteVigilance, **champs) -> ProjetVigilance:
    base = dict(
        nom="Projet",
        rendez_vous=CAEN,
        places=10,
        sites=sites,
        jours_ouvres=JOURS,
        porteur="CC Pays de Falaise",
        referent="Ana Lopez",
        referent_telephone="02 31 00 00 00",
        outil_pedagogique="Élève reporter",
        restitution_prevue=True,
    )
    base.update(champs)
    return ProjetVigilance(**base)


def test_le_decalage_de_test_est_fidele():
    assert haversine_km(CAEN, decale(CAEN, 3.0)) == pytest.approx(3.0, rel=0.01)


class TestMobilite:
    def test_sites_proches_a_pied(self):
        verdict = mobilite(projet(site("a", 0.5), site("b", 1.0)))
        assert verdict.etat == Etat.OK
        assert "à pied" in verdict.raison

    def test_au_dela_de_la_marche_alerte_sans_duree_devinee(self):
        verdict = mobilite(projet(site("a", 0.2), site("b", 6.0)))
        assert verdict.etat == Etat.ALERTE
        assert "6,0 km à vol d'oiseau" in verdict.raison
        # Sans flux GTFS : aucune durée en transport devinée d'une distance, et on le dit.
        assert "en transport" not in verdict.raison
        assert "Estimation à vol d'oiseau, sans horaires" in verdict.raison

    def test_plus_de_0_km_a_10_min_en_transport(self):
        verdict = mobilite(projet(site("a", 0.0)))
        assert verdict.etat == Etat.OK
        assert "0,0 km à vol d'oiseau (≈ 0 min à pied)" in verdict.raison
        assert "10 min" not in verdict.raison and "en transport" not in verdict.raison

    def test_au_dela_de_la_distance_max_bloquant(self):
        verdict = mobilite(projet(site("a", 0.0), site("b", 30.0), distance_max_km=25.0))
        assert verdict.etat == Etat.BLOQUANT
        assert "25,0 km" in verdict.raison

    def test_sites_consecutifs_du_programme_et_non_toutes_paires(self):
        # a et c sont à 8 km l'un de l'autre mais jamais consécutifs : seuls a→b, b→c comptent.
        a, b, c = site("a", 0.0), site("b", 1.5), site("c", 3.0)
        p = projet(a, b, c, rendez_vous=decale(CAEN, 1.5), groupes={"G1": 5})
        p.creneaux = (
            Creneau("G1", JOURS[0], "a"),
            Creneau("G1", JOURS[1], "b"),
            Creneau("G1", JOURS[2], "c"),
        )
        assert mobilite(p).etat == Etat.OK
        p.creneaux = (Creneau("G1", JOURS[0], "a"), Creneau("G1", JOURS[1], "c"))
        assert mobilite(p).etat == Etat.ALERTE

    def test_rendez_vous_eloigne(self):
        verdict = mobilite(projet(site("a", 10.0), site("b", 10.5)))
        assert verdict.etat == Etat.ALERTE
        assert "point de rendez-vous" in verdict.raison


class TestDroitDesMineurs:
    def test_journee_standard_conforme(self):
        assert horaires_site(site("a"), 15).etat == Etat.OK

    def test_sept_heures_avant_seize_ans_huit_apres(self):
        longue = site("a", heure_debut=time(8, 30), heure_fin=time(16, 30), pause_minutes=30)
        # 7 h 30 de présence effective
        assert horaires_site(longue, 15).etat == Etat.BLOQUANT
        assert "7 h 30" in horaires_site(longue, 15).raison
        assert horaires_site(longue, 16).etat == Etat.OK

    def test_pause_de_trente_minutes_apres_quatre_heures_trente(self):
        sans_pause = site("a", heure_debut=time(9, 0), heure_fin=time(14, 0), pause_minutes=15)
        verdict = horaires_site(sans_pause, 16)
        assert verdict.etat == Etat.BLOQUANT
        assert "30 min" in verdict.raison
        courte = site("a", heure_debut=time(9, 0), heure_fin=time(13, 0), pause_minutes=0)
        assert horaires_site(courte, 15).etat == Etat.OK

    def test_plage_de_presence_selon_l_age(self):
        soir = site("a", heure_debut=time(14, 0), heure_fin=time(21, 0), pause_minutes=30)
        assert horaires_site(soir, 15).etat == Etat.BLOQUANT
        assert horaires_site(soir, 16).etat == Etat.OK
        tot = site("a", heure_debut=time(5, 30), heure_fin=time(11, 0), pause_minutes=30)
        assert horaires_site(tot, 17).etat == Etat.BLOQUANT

    def test_semaine_trente_heures_avant_quinze_ans(self):
        # 6 h 30 effectives × 5 jours = 32 h 30 : trop avant 15 ans, correct à 15 ans.
        s = site("a", heure_debut=time(9, 0), heure_fin=time(16, 30), pause_minutes=60)
        creneaux = tuple(Creneau("G1", j, "a") for j in JOURS[:5])
        jeune = projet(s, groupes={"G1": 5}, creneaux=creneaux, ages_eleves=(14, 15))
        verdict = duree_hebdomadaire(jeune)
        assert verdict.etat == Etat.BLOQUANT
        assert "32 h 30" in verdict.raison
        assert duree_hebdomadaire(replace(jeune, ages_eleves=(15,))).etat == Etat.OK

    def test_age_minimum(self):
        exigeant = site("a", age_min=16)
        assert age_minimum(projet(exigeant)).etat == Etat.ALERTE
        assert age_minimum(projet(exigeant, ages_eleves=(15, 16))).etat == Etat.BLOQUANT
        assert age_minimum(projet(exigeant, ages_eleves=(16,))).etat == Etat.OK

    def test_sante_observation_seulement(self):
        hopital = site("h", domaines=("J",))
        assert sante_observation(projet(hopital)).etat == Etat.BLOQUANT
        ok = replace(hopital, observation_seulement=True)
        assert sante_observation(projet(ok)).etat == Etat.OK

    def test_securite_regroupe_les_raisons(self):
        p = projet(site("h", domaines=("J",)), site("a", heure_fin=time(21, 0)))
        verdict = securite(p)
        assert verdict.etat == Etat.BLOQUANT
        assert "santé" in verdict.raison
        assert "Site a" in verdict.raison


class TestCapacite:
    def test_dix_eleves_structures_de_cinq_sans_programme(self):
        verdict = capacite(projet(site("a"), site("b")))
        assert verdict.etat == Etat.ALERTE
        assert "n'en prend que 5" in verdict.raison

    def test_capacite_totale_insuffisante(self):
        verdict = capacite(projet(site("a"), places=12))
        assert verdict.etat == Etat.BLOQUANT
        assert "5 élèves par jour" in verdict.raison

    def test_groupe_trop_grand_pour_la_structure_du_jour(self):
        p = projet(
            site("a"),
            site("b"),
            groupes={"G1": 10},
            creneaux=(Creneau("G1", JOURS[0], "a"),),
            jours_ouvres=JOURS[:1],
        )
        verdict = capacite(p)
        assert verdict.etat == Etat.BLOQUANT
        assert "10 élèves pour 5 places" in verdict.raison

    def test_rotation_equilibree(self):
        creneaux = []
        for i, jour in enumerate(JOURS):
            creneaux += [Creneau("G1", jour, "ab"[i % 2]), Creneau("G2", jour, "ab"[(i + 1) % 2])]
        p = projet(site("a"), site("b"), groupes={"G1": 5, "G2": 5}, creneaux=tuple(creneaux))
        assert capacite(p).etat == Etat.OK

    def test_jour_sans_structure_signale(self):
        p = projet(site("a"), groupes={"G1": 5}, creneaux=(Creneau("G1", JOURS[0], "a"),), places=5)
        verdict = capacite(p)
        assert verdict.etat == Etat.ALERTE
        assert "16/06" in verdict.raison

    def test_case_structure_fermee_ce_jour(self):
        s = site("a", jours=(JOURS[0],))
        assert verifier_case(s, JOURS[0], 5).etat == Etat.OK
        assert "n'accueille pas le 16/06" in verifier_case(s, JOURS[1], 5).raison
        assert verifier_case(replace(s, age_min=16), JOURS[0], 3, age=15).etat == Etat.BLOQUANT


def test_outil_pedagogique_recommande_non_bloquant():
    assert outil_pedagogique(projet(site("a"))).etat == Etat.OK
    assert outil_pedagogique(projet(site("a"), restitution_prevue=False)).etat == Etat.ALERTE
    assert outil_pedagogique(projet(site("a"), outil_pedagogique="")).etat == Etat.ALERTE


def test_porteur_et_referent():
    assert porteur(projet(site("a"), porteur="")).etat == Etat.BLOQUANT
    assert referent(projet(site("a"), referent="")).etat == Etat.BLOQUANT
    assert referent(projet(site("a"), referent_telephone="")).etat == Etat.ALERTE
    assert referent(projet(site("a"))).etat == Etat.OK


def test_evaluer_six_points_et_bloquants():
    bon = projet(site("a", 0.3), site("b", 0.8), places=10, ages_eleves=(15, 16))
    points = evaluer(bon)
    assert [p.code for p in points] == [
        "mobilite",
        "securite",
        "pedagogie",
        "capacite",
        "porteur",
        "referent",
    ]
    assert bloquants(points) == []
    mauvais = replace(bon, porteur="", referent="")
    assert [p.code for p in bloquants(evaluer(mauvais))] == ["porteur", "referent"]


# --- Élèves supposés et obstacles au programme ------------------------------------------

from moteur.vigilance import (  # noqa: E402
    effectifs_fr,
    obstacles,
    remarques_site,
    repartir,
)


def test_repartir_par_plus_forts_restes_garde_le_total():
    parts = ((14, 0.07), (15, 0.55), (16, 0.38))
    assert repartir(20, parts) == {14: 1, 15: 11, 16: 8}
    assert repartir(5, parts) == {15: 3, 16: 2}
    assert sum(repartir(37, parts).values()) == 37
    assert effectifs_fr({14: 1, 15: 11, 16: 8}) == "1 élève de 14 ans, 11 de 15 ans et 8 de 16 ans"


def test_obstacle_du_jour_nomme_les_structures_fermees_et_la_correction():
    deuxieme_semaine = JOURS[5:]
    sites = [
        replace(site("a"), nom="Fonderie de Rai", jours=JOURS[:5]),
        replace(site("b"), nom="Tréfilerie", jours=JOURS[:5]),
        replace(site("c"), nom="Bohin", accueil_max=8),
    ]
    trouves = obstacles(sites, JOURS, {15: 10})
    assert len(trouves) == 1  # les cinq jours identiques en une seule phrase
    obstacle = trouves[0]
    jours = ", ".join(f"{j:%d/%m}" for j in deuxieme_semaine[:-1])
    assert obstacle.message == (
        f"Les {jours} et {deuxieme_semaine[-1]:%d/%m}, 8 places pour 10 élèves : "
        "Fonderie de Rai et Tréfilerie sont fermées."
    )
    assert obstacle.correction.startswith("À essayer : prévoir au plus 8 élèves, demander à ")
    assert set(obstacle.sites) == {"a", "b"}
    assert obstacles(sites, JOURS, {15: 8}) == []


def test_obstacle_des_plus_jeunes_et_de_jours_max():
    sites = [
        replace(site("a", age_min=15), accueil_max=10),
        replace(site("b", age_min=14), accueil_max=2),
    ]
    (obstacle,) = obstacles(sites, JOURS[:1], {14: 3, 15: 5})
    assert obstacle.message == (
        f"Le {JOURS[0]:%d/%m}, 2 places pour 3 élèves de 14 ans ou moins : seules les "
        "structures qui accueillent dès 14 ans comptent."
    )
    assert "accueillir dès 14 ans" in obstacle.correction
    limitees = [site("a", jours_max=2), site("b", jours_max=2)]
    (obstacle,) = obstacles(limitees, JOURS, {15: 5})
    assert "20 journées-élèves pour 5 élèves × 10 jours = 50" in obstacle.message
    assert "Site a (2 jours au plus) et Site b (2 jours au plus)" in obstacle.message
    assert obstacle.sites == ("a", "b")


def test_remarques_d_une_structure_qui_n_accueillera_personne():
    assert remarques_site(site("a", jours=(date(2026, 7, 1),)), JOURS, {15: 4}) == [
        ("fermée tous les jours de la session : elle n'accueillera personne", True),
    ]
    assert remarques_site(site("a", age_min=17), JOURS, {15: 4, 16: 2}) == [
        ("aucun des élèves supposés n'a 17 ans", True)
    ]
    assert remarques_site(site("a", age_min=16), JOURS, {15: 4, 16: 2}) == [
        ("n'accueille pas 4 des 6 élèves supposés (moins de 16 ans)", False)
    ]


def test_ages_supposes_par_groupe_alerte_sans_contredire_la_proposition():
    longue = site("a", heure_debut=time(8, 0), heure_fin=time(16, 0), pause_minutes=60)
    projet = ProjetVigilance(
        nom="P",
        rendez_vous=CAEN,
        places=10,
        sites=(longue,),
        jours_ouvres=JOURS,
        groupes={"G1": 5, "G2": 5},
        creneaux=tuple(Creneau(g, j, "a") for g in ("G1", "G2") for j in JOURS[:5]),
        ages_groupes={"G1": 14, "G2": 15},
        hypothese_ages="7 % de 14 ans, 93 % de 15 ans",
    )
    verdict = duree_hebdomadaire(projet)
    assert verdict.etat == Etat.ALERTE
    assert "le groupe G1" in verdict.raison and "30 h à 14 ans" in verdict.raison
    assert "en supposant 15 ans" not in securite(projet).raison
    assert "Âges retenus : d'après les âges supposés : 7 % de 14 ans" in securite(projet).raison
    reel = replace(projet, ages_eleves=(14, 15))
    assert duree_hebdomadaire(reel).etat == Etat.BLOQUANT
