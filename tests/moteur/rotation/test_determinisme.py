"""Même entrée, même graine : même rotation, octet pour octet, quoi que fasse la machine.

L'instance (80 projets, 480 structures dont des partagées, projets remplis à leur
capacité) a plusieurs composantes, dont certaines de plusieurs projets, et un budget assez
court pour qu'une partie des composantes s'arrête sur la limite de temps déterministe :
c'est là que la répartition du budget entre composantes décide du résultat. Le test compare
aussi les limites données à CP-SAT, appel par appel : avec deux fils (code d'avant), 28 des
64 limites différaient entre une exécution calme et une exécution chargée (mesuré le 06/12),
parce que le temps déterministe rendu par CP-SAT, qui alimente la répartition, variait.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from moteur.erreurs import ErreurUtilisateur
from moteur.modele import Affectation, Session
from moteur.rotation import capacite_effective, planifier_rotation
from moteur.rotation.solveur import CalculInterrompu, GardeFou

RACINE = Path(__file__).resolve().parents[3]

# Exécuté dans un sous-processus : PYTHONHASHSEED ne se change qu'au démarrage de Python.
# Imprime le planning, les statuts et les limites de temps données à CP-SAT, dans l'ordre.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    from benchmarks.instance_rotation import eleves_places, instance_normandie
    from moteur.modele import Affectation
    from moteur.rotation import capacite_effective, planifier_rotation
    from moteur.rotation.solveur import GardeFou

    limites = []

    class Espion(GardeFou):
        def resoudre(self, solveur, modele, limite):
            limites.append(repr(limite))
            return GardeFou.resoudre(self, solveur, modele, limite)

    facteur = float(sys.argv[1])  # > 1 : horloge du garde-fou ralentie (machine lente)
    travailleurs = int(sys.argv[2])  # processus de calcul (les limites ne sont vues qu'à 1)
    garde = Espion(horloge=lambda: facteur * time.monotonic())
    session = instance_normandie(0, n_projets=80, n_structures=480)
    capacites = capacite_effective(session)
    effectifs = {p: c.capacite for p, c in capacites.items() if c.capacite > 0}
    par_projet = eleves_places(session, effectifs)
    affectations = {e: Affectation(e, p, 1) for p, es in par_projet.items() for e in es}
    r = planifier_rotation(
        session, affectations, limite_s=4.0, garde=garde, travailleurs=travailleurs
    )
    for lg in r.planning:
        print(lg.projet_id, lg.groupe, lg.date.isoformat(), lg.structure_id, sep=";")
    for c in r.composantes:
        print("composante", ",".join(c.projets), c.statut, repr(c.objectif), repr(c.borne))
    for pid, echec in sorted(r.echecs.items()):
        print("echec", pid, " | ".join(echec.raisons))
    if travailleurs == 1:
        print("limites", " ".join(limites))
    """
)


# Processus occupé borné par lui-même (60 s au plus), même s'il survivait au test.
OCCUPE = "import time\nfin = time.monotonic() + 60\nwhile time.monotonic() < fin: pass"


def _executer(graine_hachage: str, facteur: float, charge: bool, travailleurs: int = 1) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": graine_hachage, "PYTHONPATH": str(RACINE)}
    occupe = None
    if charge:  # un processus occupé pendant l'exécution, tué à la fin
        occupe = subprocess.Popen([sys.executable, "-c", OCCUPE], stdout=subprocess.DEVNULL)
    try:
        sortie = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(facteur), str(travailleurs)],
            cwd=RACINE,
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
        )
    finally:
        if occupe is not None:
            occupe.kill()
            occupe.wait()
    assert sortie.returncode == 0, sortie.stderr.decode()[-3000:]
    return sortie.stdout


def test_rotation_identique_sous_charge_horloge_lente_et_autre_graine_de_hachage():
    calme = _executer("0", 1.0, charge=False)
    chargee = _executer("4242", 2.0, charge=True)
    # Deux processus de calcul, machine chargée : même résultat que le calcul à un seul.
    parallele = _executer("77", 2.0, charge=True, travailleurs=2)
    lignes = calme.decode().splitlines()
    sans_limites = [lg for lg in lignes if not lg.startswith("limites")]
    assert parallele.decode().splitlines() == sans_limites
    assert any(lg.startswith("limites ") and len(lg.split()) > 30 for lg in lignes)
    composantes = [lg for lg in lignes if lg.startswith("composante")]
    # L'instance éprouve bien la répartition du budget : plusieurs composantes, dont des
    # composantes de plusieurs projets, et des composantes arrêtées par la limite.
    assert len(composantes) >= 10
    assert any("," in lg.split()[1] for lg in composantes)
    assert any(" optimal " not in lg for lg in composantes)
    assert sum(";" in lg for lg in lignes) > 500
    assert calme == chargee


def _petite_instance() -> tuple[Session, dict[str, Affectation]]:
    from benchmarks.instance_rotation import eleves_places, instance_normandie

    session = instance_normandie(0, n_projets=6, n_structures=36)
    capacites = capacite_effective(session)
    effectifs = {p: c.capacite for p, c in capacites.items() if c.capacite > 0}
    par_projet = eleves_places(session, effectifs)
    affectations = {e: Affectation(e, p, 1) for p, es in par_projet.items() for e in es}
    return session, affectations


def test_garde_fou_arrete_avec_une_erreur_claire_au_lieu_de_changer_le_plan():
    session, affectations = _petite_instance()
    instants = iter(range(0, 10**9, 1000))  # chaque lecture : 1 000 s de plus
    garde = GardeFou(horloge=lambda: float(next(instants)))
    with pytest.raises(CalculInterrompu) as erreur:
        planifier_rotation(session, affectations, limite_s=1.0, garde=garde)
    assert isinstance(erreur.value, ErreurUtilisateur)  # message sans trace Python
    message = str(erreur.value)
    assert message.startswith("Calcul interrompu : le solveur a pris 1000 s d'horloge")
    assert "Aucun plan n'est rendu" in message


def test_chaque_appel_a_cp_sat_a_un_seul_fil_et_un_budget_deterministe(monkeypatch):
    session, affectations = _petite_instance()
    vus: list[tuple[int, float, float]] = []
    resoudre = GardeFou.resoudre

    def espion(self, solveur, modele, limite):
        statut = resoudre(self, solveur, modele, limite)
        p = solveur.parameters
        vus.append((p.num_workers, p.max_deterministic_time, p.max_time_in_seconds))
        return statut

    monkeypatch.setattr(GardeFou, "resoudre", espion)
    # Un seul travailleur : l'espion ne voit que les appels de ce processus.
    planifier_rotation(session, dict(affectations), limite_s=1.0, travailleurs=1)
    assert vus
    for fils, deterministe, murale in vus:
        assert fils == 1
        assert 0 < deterministe <= 1.0
        assert murale >= GardeFou().plafond(deterministe)  # l'horloge ne coupe pas avant


def _empreinte(session: Session, affectations: dict[str, Affectation], travailleurs: int) -> str:
    r = planifier_rotation(session, affectations, limite_s=1.5, travailleurs=travailleurs)
    lignes = [f"{lg.projet_id};{lg.groupe};{lg.date};{lg.structure_id}" for lg in r.planning]
    lignes += [f"{p};{g.libelle};{','.join(g.eleves)}" for p in r.groupes for g in r.groupes[p]]
    lignes += [f"{c.projets};{c.statut};{c.objectif!r};{c.borne!r}" for c in r.composantes]
    lignes += [f"{p};{e.raisons}" for p, e in r.echecs.items()]
    lignes += [f"{e};{a.groupe}" for e, a in affectations.items()]
    return "\n".join(lignes)


def test_un_et_deux_travailleurs_donnent_le_meme_resultat_octet_pour_octet():
    from benchmarks.instance_rotation import eleves_places, instance_normandie

    session = instance_normandie(1, n_projets=24, n_structures=144)
    capacites = capacite_effective(session)
    effectifs = {p: c.capacite for p, c in capacites.items() if c.capacite > 0}
    par_projet = eleves_places(session, effectifs)

    def affectations() -> dict[str, Affectation]:
        return {e: Affectation(e, p, 1) for p, es in par_projet.items() for e in es}

    un = _empreinte(session, affectations(), travailleurs=1)
    deux = _empreinte(session, affectations(), travailleurs=2)
    assert un.count("\n") > 300  # un vrai planning, pas deux listes vides
    assert un == deux
