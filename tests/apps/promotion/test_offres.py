"""Construction et contrôle local des offres, table ROME -> secteurs, Retry-After."""

from __future__ import annotations

import pytest

from apps.promotion.client import delai_retry_after
from apps.promotion.offres import (
    CIBLE_DESCRIPTION,
    LIMITE_TITRE,
    construire_offre,
    semaines_iso,
    verifier_offre,
)
from apps.promotion.secteurs import (
    SECTEURS_PAR_DOMAINE,
    domaine_principal,
    index_des_secteurs,
    secteur_du_domaine,
)
from moteur.modele import DOMAINES_ROME
from tests.apps.fabriques import StructureAccueilFactory
from tests.apps.promotion.conftest import URL_SITE
from tests.apps.promotion.serveur_api import SECTEURS

# La liste des secteurs de la documentation de l'API v2 (doc/api/v2/README.md).
SECTEURS_DOCUMENTES = {
    "Agriculture", "Agroéquipement", "Architecture, urbanisme et paysage", "Armée - Défense",
    "Art et design", "Artisanat d'art", "Arts du spectacle", "Audiovisuel", "Automobile",
    "Banque et assurance", "Bâtiment et travaux publics (BTP)", "Bien-être",
    "Commerce et distribution", "Communication", "Comptabilité, gestion, ressources humaines",
    "Conseil et audit", "Construction aéronautique, ferroviaire et navale",
    "Culture et patrimoine", "Droit et justice", "Édition, librairie, bibliothèque",
    "Électronique", "Énergie", "Enseignement", "Environnement", "Filiere bois",
    "Fonction publique", "Hôtellerie, restauration", "Immobilier, transactions immobilières",
    "Industrie alimentaire", "Industrie chimique", "Industrie, ingénierie industrielle",
    "Informatique et réseaux", "Jeu vidéo", "Journalisme", "Logistique et transport",
    "Maintenance", "Marketing, publicité", "Mécanique", "Métiers d'art", "Mode",
    "Papiers Cartons", "Paramédical", "Recherche", "Santé", "Sécurité", "Services postaux",
    "Social", "Sport", "Tourisme", "Traduction, interprétation", "Verre, béton, céramique",
}  # fmt: skip


def test_chaque_domaine_rome_a_des_secteurs_documentes():
    assert set(SECTEURS_PAR_DOMAINE) == set(DOMAINES_ROME)
    for noms in SECTEURS_PAR_DOMAINE.values():
        assert noms and set(noms) <= SECTEURS_DOCUMENTES


def test_secteur_par_nom_sans_accents_ni_casse():
    index = index_des_secteurs([{"name": "SANTE", "uuid": "u1"}, {"name": "Social", "uuid": "u2"}])
    assert secteur_du_domaine("J", index) == "u1"
    assert secteur_du_domaine("K", index) == "u2"
    assert secteur_du_domaine("F", index) is None
    assert secteur_du_domaine(None, index) is None


def test_domaine_principal_le_plus_frequent_puis_alphabetique():
    assert domaine_principal(["J|H", "H", "J"]) == "H"
    assert domaine_principal(["N", "J|N"]) == "N"
    assert domaine_principal([]) is None


def test_semaines_iso():
    from datetime import date

    jours = [date(2026, 6, 15), date(2026, 6, 19), date(2026, 6, 22), date(2027, 1, 1)]
    assert semaines_iso(jours) == ["2026-W25", "2026-W26", "2026-W53"]


@pytest.mark.django_db
def test_textes_dans_les_limites_avec_beaucoup_de_structures(session_promo):
    session, projets = session_promo
    projet = projets[0]
    projet.nom = "Un nom de projet très long " * 7
    projet.save()
    projet.structures.add(
        *StructureAccueilFactory.create_batch(
            12, session=session, nom="Structure au nom interminable " * 3
        )
    )
    index = {"industrie ingenierie industrielle": "u-ind", "sante": "u-sante"}
    offre = construire_offre(projet, URL_SITE, index).offre

    assert len(offre["title"]) <= LIMITE_TITRE and offre["title"].endswith("…")
    assert len(offre["description"]) <= CIBLE_DESCRIPTION
    assert "14 structures" in offre["description"]
    assert "point de rendez-vous" in offre["description"]
    assert len(offre["employer_description"]) <= 275
    assert offre["sector_uuid"] == "u-ind"
    assert verifier_offre(offre) == []


@pytest.mark.django_db
def test_regles_locales_nomment_les_champs_en_francais(session_promo):
    _, projets = session_promo
    offre = construire_offre(projets[0], "https://test.exemple.fr", {"sante": "u"}).offre
    offre.update(zipcode="1400", lunch_break="court", weeks=["2026-25"], max_candidates=0)

    messages = [str(r) for r in verifier_offre(offre)]

    attendus = [
        "champ « lien vers la fiche du projet » (permalink)",
        "champ « nombre de places » (max_candidates)",
        "champ « semaines » (weeks)",
        "champ « pause déjeuner » (lunch_break)",
        "champ « code postal » (zipcode)",
        "champ « secteur » (sector_uuid)",
    ]
    for attendu in attendus:
        assert any(m.startswith(attendu) for m in messages), (attendu, messages)
    assert any("URL_PUBLIQUE_DU_SITE" in m for m in messages)


def test_serveur_de_test_sait_les_secteurs_documentes():
    assert set(SECTEURS) <= SECTEURS_DOCUMENTES


def test_retry_after_secondes_date_ou_absent():
    assert delai_retry_after("3", 60.0) == 3.0
    assert delai_retry_after(None, 60.0) == 60.0
    assert delai_retry_after("n'importe quoi", 7.0) == 7.0
    assert delai_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 60.0) == 0.0
