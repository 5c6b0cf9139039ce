"""Les recommandations « places », « jour » et « nouveau projet », chacune mesurée seule.

- places : pour les projets dont la capacité effective atteint leurs places, les places
  ajoutées ; la quantité est choisie pour que chaque place ajoutée soit prise (politique
  optimale : flot résiduel) ; le gain est re-mesuré sur la session modifiée.
- jour : pour les projets que leurs structures limitent (capacité effective < places),
  chaque structure essaie un jour de plus (jours_max + 1, ou le jour le plus serré ajouté
  à ses jours) ou un élève de plus (accueil_max + 1) ; la meilleure variante est gardée.
- nouveau projet : voir `moteur.conseiller.territoires`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from moteur.conseiller.application import appliquer_modifications
from moteur.conseiller.evaluation import Evaluateur
from moteur.conseiller.modele import Modification, Recommandation
from moteur.conseiller.reseau import ReseauBiparti, projets_atteignables
from moteur.rotation.capacite import _jours_max_effectif, jour_fr, structures_du_projet

CANDIDATS_OPTIMAL = 40
CANDIDATS_STABLE = 12
CANDIDATS_JOUR = 15


def demande_directe(ev: Evaluateur) -> np.ndarray:
    """Par projet : élèves non placés qui l'ont en voeu éligible."""
    inst = ev.instance
    eligible = inst.v_eligible & (ev.projet[inst.v_eleve] < 0)
    return np.bincount(inst.v_projet[eligible], minlength=inst.nb_projets)


def recommandations_places(ev: Evaluateur, taille_max: int) -> list[Recommandation]:
    inst = ev.instance
    demande = demande_directe(ev)
    suffisant = np.array([ev.capacites[pid].suffisante for pid in inst.projet_ids], dtype=bool)
    reseau = ReseauBiparti(inst)
    if ev.politique == "optimal":
        possibles = projets_atteignables(inst, ev.projet) & suffisant
        limite = CANDIDATS_OPTIMAL
    else:
        possibles = (demande > 0) & suffisant
        limite = CANDIDATS_STABLE
    candidats = sorted(np.flatnonzero(possibles).tolist(), key=lambda p: (-demande[p], p))
    flot_base = reseau.flot(inst.capacite) if ev.politique == "optimal" else 0
    resultats = []
    for p in candidats[:limite]:
        if ev.politique == "optimal":
            capacite = inst.capacite.copy()
            capacite[p] += taille_max
            quantite = min(taille_max, reseau.flot(capacite) - flot_base)
        else:
            quantite = min(taille_max, int(demande[p]))
        reco = _mesurer_places(ev, inst.projet_ids[p], quantite)
        if ev.politique == "stable" and 0 < reco.gain_eleves < quantite:
            autre = _mesurer_places(ev, inst.projet_ids[p], reco.gain_eleves)
            if autre.gain_eleves == autre.quantite:
                reco = autre
        if reco.gain_eleves > 0:
            resultats.append(reco)
    return resultats


def _mesurer_places(ev: Evaluateur, pid: str, quantite: int) -> Recommandation:
    session = ev.session
    projet = session.projets[pid]
    mods = [Modification("places", pid, quantite)]
    modifiee = appliquer_modifications(session, mods)
    instance = ev.instance_de(modifiee, [pid])
    index = ev.instance.projet_ids.index(pid)
    elargies: list[str] = []
    if instance.capacite[index] < ev.instance.capacite[index] + quantite:
        # Les structures ne suivent pas : chacune accueille `quantite` élèves de plus.
        elargies = [s.id for s in structures_du_projet(session, projet)]
        mods += [Modification("accueil_max", sid, quantite) for sid in elargies]
        modifiee = appliquer_modifications(session, mods)
        instance = ev.instance_de(modifiee, [pid])
    places, premiers = ev.compter(instance)
    gain = places - ev.places
    texte = (
        f"{quantite} place{'s' if quantite > 1 else ''} de plus dans {pid} ({projet.nom}) : "
        f"places {projet.places} → {projet.places + quantite}"
    )
    if elargies:
        texte += (
            f", chaque structure ({', '.join(elargies)}) accueillant {quantite} élève(s) "
            "de plus par jour"
        )
    else:
        texte += " (ses structures ont déjà l'accueil nécessaire)"
    texte += f" ; {gain} élève{'s' if gain > 1 else ''} de plus placé{'s' if gain > 1 else ''}."
    return Recommandation(
        action="places",
        projet_id=pid,
        commune_insee=projet.commune_insee,
        quantite=quantite,
        gain_eleves=gain,
        gain_premiers_voeux=None if premiers is None else premiers - ev.premiers,
        explication=texte,
        modifications=tuple(mods),
    )


def recommandations_jour(ev: Evaluateur) -> list[Recommandation]:
    inst = ev.instance
    demande = demande_directe(ev)
    limites = [
        p
        for p, pid in enumerate(inst.projet_ids)
        if not ev.capacites[pid].suffisante and demande[p] > 0
    ]
    limites.sort(key=lambda p: (-demande[p], p))
    resultats = []
    for p in limites[:CANDIDATS_JOUR]:
        pid = inst.projet_ids[p]
        variantes = [_mesurer_jour(ev, pid, mod, texte) for mod, texte in _variantes(ev, pid)]
        utiles = [v for v in variantes if v.gain_eleves > 0]
        if utiles:
            resultats.append(max(utiles, key=lambda r: (r.gain_eleves, r.gain_premiers_voeux or 0)))
    return resultats


def _variantes(ev: Evaluateur, pid: str) -> list[tuple[Modification, str]]:
    session = ev.session
    jours = session.jours
    capacite = ev.capacites[pid]
    serre = capacite.jour_limitant
    variantes: list[tuple[Modification, str]] = []
    for s in structures_du_projet(session, session.projets[pid]):
        possibles = s.jours_possibles(jours)
        jmax = _jours_max_effectif(s, jours)
        if jmax < len(possibles):
            variantes.append(
                (
                    Modification("jours_max", s.id, 1),
                    f"la structure {s.id} ({s.nom}) ouvre un jour de plus : "
                    f"jours_max {jmax} → {jmax + 1}",
                )
            )
        if serre is not None and serre not in possibles and s.jours:
            variantes.append(
                (
                    Modification("jour", s.id, 0, date=serre.isoformat()),
                    f"la structure {s.id} ({s.nom}) ouvre aussi le {jour_fr(serre)}, "
                    "jour le plus serré",
                )
            )
        if serre is None or serre in possibles:
            variantes.append(
                (
                    Modification("accueil_max", s.id, 1),
                    f"la structure {s.id} ({s.nom}) accueille un élève de plus : accueil_max "
                    f"{s.accueil_max} → {s.accueil_max + 1}",
                )
            )
    return variantes


def _mesurer_jour(ev: Evaluateur, pid: str, mod: Modification, texte: str) -> Recommandation:
    modifiee = appliquer_modifications(ev.session, [mod])
    if mod.type == "jour":
        instance = ev.instance_complete(modifiee)
    else:
        instance = ev.instance_de(modifiee, [pid])
    places, premiers = ev.compter(instance)
    index = ev.instance.projet_ids.index(pid)
    avant, apres = int(ev.instance.capacite[index]), int(instance.capacite[index])
    gain = places - ev.places
    projet = ev.session.projets[pid]
    return Recommandation(
        action="jour",
        projet_id=pid,
        commune_insee=projet.commune_insee,
        quantite=1,
        gain_eleves=gain,
        gain_premiers_voeux=None if premiers is None else premiers - ev.premiers,
        explication=(
            f"{pid} ({projet.nom}) est limité par ses structures "
            f"({ev.capacites[pid].explication}) ; "
            f"{texte} : capacité effective {avant} → {apres}, {gain} élève(s) de plus placé(s)."
        ),
        modifications=(mod,),
    )


def completer_premiers_voeux(ev: Evaluateur, recos: list[Recommandation], nombre: int) -> None:
    """Politique optimale : le gain de premiers voeux des `nombre` premières
    recommandations, par le flot de coût minimum complet sur la session modifiée."""
    for reco in recos[:nombre]:
        if reco.gain_premiers_voeux is not None:
            continue
        modifiee = appliquer_modifications(ev.session, reco.modifications)
        _, premiers = ev.mesurer_complet(ev.instance_complete(modifiee))
        reco.gain_premiers_voeux = premiers - ev.premiers


def trier(recos: list[Recommandation]) -> list[Recommandation]:
    ordre = {"places": 0, "jour": 1, "nouveau_projet": 2}
    classees = sorted(
        recos,
        key=lambda r: (
            -r.gain_eleves,
            -(r.gain_premiers_voeux or 0),
            r.quantite,
            ordre[r.action],
            r.projet_id,
            r.commune_insee,
        ),
    )
    return [dataclasses.replace(r, rang=i) for i, r in enumerate(classees, start=1)]
