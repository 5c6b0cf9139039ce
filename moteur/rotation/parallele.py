"""Résolution des composantes sur plusieurs cœurs, sans rien changer au résultat.

Chaque tâche est une fonction pure de son entrée (la composante, sa part de budget fixée
à l'avance) et de l'état commun (session, poids, graine, garde-fou), qui ne change pas
pendant le calcul. Les résultats sont rendus dans l'ordre des tâches, jamais dans l'ordre
de fin : le nombre de travailleurs ne change que la durée.

Les processus sont créés par `fork` (Linux) : ils héritent de l'état commun sans copie ni
sérialisation. Sans `fork` (autres systèmes), ou dans un processus démon (travailleur
Celery en « prefork », qui ne peut pas avoir d'enfants), tout tourne dans le processus
courant, avec le même résultat.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, Generic, TypeVar

from moteur.erreurs import ErreurUtilisateur

E = TypeVar("E")  # état commun
T = TypeVar("T")  # tâche
R = TypeVar("R")  # résultat

_ETAT: Any = None  # état commun, hérité par les processus fils au moment du fork


def _initialiser(etat: object) -> None:
    global _ETAT
    _ETAT = etat


def _appeler(appel: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    fonction, tache = appel
    return fonction(_ETAT, tache)


def travailleurs_par_defaut() -> int:
    """Nombre de cœurs utilisables par ce processus."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - systèmes sans sched_getaffinity
        return max(1, os.cpu_count() or 1)


def parallele_possible() -> bool:
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


class Parallele(Generic[E]):
    """Exécute `fonction(etat, tache)` pour chaque tâche, résultats dans l'ordre des tâches."""

    def __init__(self, etat: E, travailleurs: int | None = None) -> None:
        self.etat = etat
        n = travailleurs_par_defaut() if travailleurs is None else max(1, travailleurs)
        self.travailleurs = n if parallele_possible() else 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Parallele[E]:
        if self.travailleurs > 1:
            global _ETAT
            _ETAT = self.etat  # hérité par fork, même si l'initialiseur ne tournait pas
            # Les objets déjà créés (la session) sortent du ramasse-miettes : dans les fils,
            # il ne réécrit plus leurs en-têtes, donc leurs pages restent partagées.
            gc.freeze()
            self._pool = ProcessPoolExecutor(
                max_workers=self.travailleurs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_initialiser,
                initargs=(self.etat,),
            )
        return self

    def __exit__(
        self,
        type_: type[BaseException] | None,
        valeur: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        global _ETAT
        if self._pool is not None:
            # Attend la fin des processus fils : aucun ne survit au calcul.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            gc.unfreeze()
        _ETAT = None

    def map(
        self,
        fonction: Callable[[E, T], R],
        taches: Sequence[T],
        couts: Sequence[float] | None = None,
    ) -> Iterator[R]:
        """Résultats dans l'ordre de `taches`.

        Sans `couts` : paquets de tâches voisines (tâches courtes et nombreuses). Avec
        `couts` : une tâche à la fois, les plus coûteuses lancées d'abord (pour qu'une
        longue tâche ne finisse pas seule) ; l'ordre des résultats reste celui des tâches.
        """
        if self._pool is None or len(taches) <= 1:
            return (fonction(self.etat, t) for t in taches)
        if couts is None:
            paquet = max(1, min(32, len(taches) // (8 * self.travailleurs)))
            appels = [(fonction, t) for t in taches]
            return _sans_pool_casse(self._pool.map(_appeler, appels, chunksize=paquet))
        pool = self._pool
        ordre = sorted(range(len(taches)), key=lambda i: (-couts[i], i))
        futurs = {i: pool.submit(_appeler, (fonction, taches[i])) for i in ordre}
        return _sans_pool_casse(futurs[i].result() for i in range(len(taches)))


def _sans_pool_casse(resultats: Iterator[R]) -> Iterator[R]:
    try:
        yield from resultats
    except BrokenProcessPool as erreur:
        raise ErreurUtilisateur(
            "Calcul interrompu : un processus de calcul des programmes s'est arrêté "
            "(mémoire insuffisante ?). Aucun plan n'est rendu ; relancez avec moins de "
            "travailleurs."
        ) from erreur
