"""Test de charge de la carte publique et de la liste des projets.

Un serveur de type production (gunicorn, réglages `conf.settings.prod`, DEBUG=False) sert
la démo (26 projets, 2 000 élèves) sur 127.0.0.1 seulement ; wrk lui envoie 50 clients
concurrents par page. Résultat : un tableau Markdown (p50, p90, p95, p99, débit) écrit dans
docs/charge.md. Toutes les boucles sont bornées (essais, durées, délais des processus).

    python -m benchmarks.charge.lancer                      # 20 s par page, 50 clients
    python -m benchmarks.charge.lancer --avant HEAD         # avant/après, côte à côte
    python -m benchmarks.charge.lancer --duree 10 --clients 50 --serveur runserver

`--avant REF` extrait le code de la révision git REF (git archive) dans un dossier
temporaire et le sert en même temps, sur un autre port, avec la même base : pour chaque
page, wrk mesure l'ancien code puis le nouveau, l'un après l'autre, dans la même minute.
wrk envoie `Accept-Encoding: gzip`, comme tout navigateur.

Prérequis : `wrk` (apt-get install wrk) et gunicorn (dépendance du projet).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LUA = Path(__file__).with_name("p95.lua")
OBJECTIF_P95_MS = 200.0
ESSAIS_DEMARRAGE = 120  # × 0,5 s
MOTIF = re.compile(r"RESULTAT (.*)")


@dataclass(slots=True)
class Mesure:
    page: str
    url: str
    requetes: int
    duree_s: float
    p50: float
    p90: float
    p95: float
    p99: float
    max: float
    erreurs: int
    non_2xx: int

    @property
    def debit(self) -> float:
        return self.requetes / self.duree_s if self.duree_s else 0.0


def environnement(dossier: Path, cache: str = "cache") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "conf.settings.prod",
            "SECRET_KEY": "banc-de-charge-seulement",
            "SECURE_SSL_REDIRECT": "0",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{dossier / 'charge.sqlite3'}",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "ERROR",
            "CACHE_DIR": str(dossier / cache),
        }
    )
    return env


def preparer(dossier: Path, env: dict[str, str], eleves: int) -> None:
    """Base SQLite neuve : migrations puis démo (référentiel compris)."""
    if (dossier / "charge.sqlite3").exists():
        return
    for commande in (
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        [PYTHON, "cli.py", "demo", "--eleves", str(eleves)],
    ):
        subprocess.run(commande, cwd=RACINE, env=env, check=True, timeout=1800)


def demarrer(
    serveur: str,
    port: int,
    env: dict[str, str],
    workers: int,
    threads: int,
    racine: Path = RACINE,
) -> subprocess.Popen:
    if serveur == "gunicorn":
        commande = [
            PYTHON,
            "-m",
            "gunicorn",
            "conf.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--backlog",
            "256",
            "--log-level",
            "warning",
        ]
    else:
        commande = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    processus = subprocess.Popen(
        commande,
        cwd=racine,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(ESSAIS_DEMARRAGE):
            if processus.poll() is not None:
                raise RuntimeError(
                    "le serveur s'est arrêté : "
                    + processus.stderr.read().decode(errors="replace")[-2000:]
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/carte/", timeout=5) as r:
                    if r.status == 200:
                        return processus
            except OSError:
                time.sleep(0.5)
    except BaseException:  # Ctrl-C pendant le démarrage : pas de serveur orphelin
        arreter(processus)
        raise
    arreter(processus)
    raise RuntimeError("le serveur ne répond pas après 60 s")


def arreter(processus: subprocess.Popen) -> None:
    if processus.poll() is not None:
        return
    os.killpg(processus.pid, signal.SIGTERM)
    try:
        processus.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(processus.pid, signal.SIGKILL)
        processus.wait(timeout=5)


def pages(port: int) -> list[tuple[str, str]]:
    base = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(base + "/carte/marqueurs.geojson", timeout=10) as r:
        projets = json.load(r)["features"]
    if not projets:
        raise RuntimeError("la démo n'a aucun projet sur la carte")
    fiche = projets[0]["properties"]["url"]
    return [
        ("Carte (page complète)", base + "/carte/"),
        ("Liste des projets", base + "/carte/projets/"),
        (
            "Liste filtrée (Calvados, places restantes)",
            base + "/carte/projets/?departement=14&places_min=1",
        ),
        ("Liste filtrée (htmx, fragment)", base + "/carte/?secteur=H"),
        ("Marqueurs GeoJSON", base + "/carte/marqueurs.geojson"),
        ("Contours des EPCI (GeoJSON)", base + "/carte/contours/epci.geojson"),
        ("Fiche d'un projet", base + fiche),
    ]


def mesurer(page: str, url: str, clients: int, duree: int, fils: int) -> Mesure:
    entetes = ["-H", "Accept-Encoding: gzip, deflate, br"]
    if "fragment" in page:
        entetes += ["-H", "HX-Request: true"]
    subprocess.run(
        ["wrk", "-t", "1", "-c", "10", "-d", "2s", *entetes, url],
        check=True,
        timeout=30,
        capture_output=True,
    )  # chauffe
    sortie = subprocess.run(
        [
            "wrk",
            "-t",
            str(fils),
            "-c",
            str(clients),
            "-d",
            f"{duree}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            *entetes,
            url,
        ],
        check=True,
        timeout=duree + 60,
        capture_output=True,
        text=True,
    ).stdout
    trouve = MOTIF.search(sortie)
    if trouve is None:
        raise RuntimeError(f"sortie de wrk illisible :\n{sortie}")
    v = dict(x.split("=") for x in trouve.group(1).split())
    return Mesure(
        page,
        url,
        int(v["requetes"]),
        float(v["duree_s"]),
        float(v["p50"]),
        float(v["p90"]),
        float(v["p95"]),
        float(v["p99"]),
        float(v["max"]),
        int(v["erreurs"]),
        int(v["statut_non_2xx"]),
    )


def machine() -> str:
    modele = ""
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                modele = ligne.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    charge = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cœurs ({modele or platform.processor()}), "
        f"Python {platform.python_version()}, charge moyenne au départ {charge:.2f}"
    )


def tableau(mesures: list[Mesure], titre: str, contexte: str) -> str:
    lignes = [
        f"### {titre}",
        "",
        contexte,
        "",
        "| Page | Requêtes | Débit (req/s) | p50 (ms) | p90 (ms) | p95 (ms) | p99 (ms) "
        "| Erreurs | p95 < 200 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for m in mesures:
        ok = "oui" if m.p95 < OBJECTIF_P95_MS and not (m.erreurs or m.non_2xx) else "**non**"
        lignes.append(
            f"| {m.page} | {m.requetes} | {m.debit:.0f} | {m.p50:.1f} | {m.p90:.1f} | "
            f"{m.p95:.1f} | {m.p99:.1f} | {m.erreurs + m.non_2xx} | {ok} |"
        )
    return "\n".join(lignes) + "\n"


def tableau_compare(avant: list[Mesure], apres: list[Mesure], titre: str, contexte: str) -> str:
    lignes = [
        f"### {titre}",
        "",
        contexte,
        "",
        "| Page | Débit avant → après (req/s) | p50 avant → après (ms) "
        "| p95 avant → après (ms) | p99 avant → après (ms) | Erreurs | p95 < 200 ms (après) |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for a, m in zip(avant, apres, strict=True):
        ok = "oui" if m.p95 < OBJECTIF_P95_MS and not (m.erreurs or m.non_2xx) else "**non**"
        lignes.append(
            f"| {m.page} | {a.debit:.0f} → **{m.debit:.0f}** | {a.p50:.1f} → **{m.p50:.1f}** "
            f"| {a.p95:.1f} → **{m.p95:.1f}** | {a.p99:.1f} → **{m.p99:.1f}** "
            f"| {a.erreurs + a.non_2xx} / {m.erreurs + m.non_2xx} | {ok} |"
        )
    return "\n".join(lignes) + "\n"


def extraire(reference: str, dossier: Path) -> Path:
    """Le code de la révision `reference` (git archive), sans toucher au dépôt."""
    cible = dossier / "avant"
    shutil.rmtree(cible, ignore_errors=True)
    cible.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", reference],
        cwd=RACINE,
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(cible)], input=archive, check=True, timeout=120)
    return cible


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duree", type=int, default=20, help="secondes par page (défaut 20)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--serveur", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--avant",
        metavar="REF",
        default=None,
        help="révision git à mesurer en même temps (ex. HEAD) : tableau avant/après",
    )
    parser.add_argument("--workers-avant", type=int, default=3)
    parser.add_argument("--threads-avant", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--eleves", type=int, default=2000)
    parser.add_argument(
        "--dossier", type=Path, default=None, help="dossier de la base (réutilisée si elle existe)"
    )
    parser.add_argument(
        "--sortie",
        type=Path,
        default=None,
        help="ajoute le tableau à ce fichier Markdown (ex. docs/charge.md)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk est introuvable : apt-get install wrk", file=sys.stderr)
        return 2
    dossier = args.dossier or Path(tempfile.gettempdir()) / "stages-charge"
    dossier.mkdir(parents=True, exist_ok=True)
    env = environnement(dossier)
    preparer(dossier, env, args.eleves)
    contexte = (
        f"{datetime.now():%Y-%m-%d %H:%M} — {machine()} — serveur : {args.serveur}"
        + (
            f" ({args.workers} processus × {args.threads} fils)"
            if args.serveur == "gunicorn"
            else " (--noreload)"
        )
        + f" — wrk : {args.clients} connexions, {args.duree} s par page, 2 fils, "
        "sur la même machine que le serveur."
    )
    shutil.rmtree(dossier / "cache", ignore_errors=True)
    if args.avant is None:
        processus = demarrer(args.serveur, args.port, env, args.workers, args.threads)
        try:
            mesures = [mesurer(p, u, args.clients, args.duree, 2) for p, u in pages(args.port)]
        finally:
            arreter(processus)
        texte = tableau(mesures, f"{args.serveur}, {args.clients} clients", contexte)
    else:
        racine_avant = extraire(args.avant, dossier)
        revision = subprocess.run(
            ["git", "rev-parse", "--short", args.avant],
            cwd=RACINE,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
        env_avant = environnement(dossier, "cache-avant")
        env_avant["PYTHONPATH"] = str(racine_avant)
        ancien = demarrer(
            args.serveur,
            args.port + 1,
            env_avant,
            args.workers_avant,
            args.threads_avant,
            racine=racine_avant,
        )
        try:
            processus = demarrer(args.serveur, args.port, env, args.workers, args.threads)
            try:
                avant, mesures = [], []
                for (page, url), (_, url_avant) in zip(
                    pages(args.port), pages(args.port + 1), strict=True
                ):
                    avant.append(mesurer(page, url_avant, args.clients, args.duree, 2))
                    mesures.append(mesurer(page, url, args.clients, args.duree, 2))
            finally:
                arreter(processus)
        finally:
            arreter(ancien)
            shutil.rmtree(racine_avant, ignore_errors=True)
        contexte += (
            f" Avant : révision {revision} ({args.workers_avant} processus × "
            f"{args.threads_avant} fils) ; après : ce code ({args.workers} × {args.threads}) ;"
            " les deux serveurs tournent ensemble, chaque page est mesurée avant puis après."
        )
        texte = tableau_compare(
            avant, mesures, f"Avant / après, {args.serveur}, {args.clients} clients", contexte
        )
    print(texte)
    if args.sortie:
        with args.sortie.open("a", encoding="utf-8") as f:
            f.write("\n" + texte)
    return 0 if all(m.p95 < OBJECTIF_P95_MS and not m.erreurs for m in mesures) else 1


if __name__ == "__main__":
    sys.exit(main())
