"""Le format d'échange « dossier de session » : lire, valider, écrire.

Contrat : `format/README.md` et `format/schemas/*.json` (copiés dans `schemas/`).

    lire_session(dossier) -> Session          dossier de session validé et résolu
    ecrire_session(session, dossier)          les 5 fichiers (+ identites.csv)
    ecrire_plan(plan, session, dossier)       affectations.csv et planning.csv
    lire_plan(dossier, session) -> Plan       relire un plan (format seulement)

Toute entrée invalide lève `moteur.erreurs.ErreurUtilisateur` (fichier, ligne, colonne).
"""

from moteur.format.ecriture import ecrire_plan, ecrire_session, texte_nombre
from moteur.format.lecture import lire_session
from moteur.format.plan import lire_plan

__all__ = ["ecrire_plan", "ecrire_session", "lire_plan", "lire_session", "texte_nombre"]
