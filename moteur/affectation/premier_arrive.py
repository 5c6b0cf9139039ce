"""Base de comparaison : premier arrivé, premier servi.

Les élèves passent dans l'ordre du fichier `eleves.csv` ; chacun prend son meilleur voeu
éligible où il reste une place. Aucune priorité, aucune mixité : c'est ce que fait un
formulaire ouvert à tous à la même heure.
"""

from __future__ import annotations

import numpy as np

from moteur.affectation.eligibilite import Instance


def premier_arrive_instance(instance: Instance) -> np.ndarray:
    """Projet (indice) de chaque élève, -1 si non placé."""
    indices, debut = instance.voeux_eligibles()
    projet_l = instance.v_projet[indices].tolist()
    debut_l = debut.tolist()
    restant = instance.capacite.tolist()
    resultat = [-1] * instance.nb_eleves
    for e in range(instance.nb_eleves):
        for k in range(debut_l[e], debut_l[e + 1]):
            p = projet_l[k]
            if restant[p] > 0:
                restant[p] -= 1
                resultat[e] = p
                break
    return np.array(resultat, dtype=np.int64)
