# Stages collectifs — les deux commandes de mise en place : `make run` et `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Le développement (make run, make test, manage.py) : jamais les réglages de production.
export DJANGO_SETTINGS_MODULE ?= conf.settings.dev
# Versions exactes et empreintes de toutes les dépendances (dev comprises), pour Python 3.11.
VERROU := requirements/verrou.txt
# Les tests de navigateur : le Chromium de Debian (tests/apps/navigateur.py) et pdftotext.
CHROMIUM ?= /usr/bin/chromium
APT_GET ?= apt-get

.PHONY: install verrou run test outils-de-test lint typage format migrations-check bench bench-affectation bench-rotation bench-charge clean

# Le venv et le script `stages-collectifs`, depuis le fichier de verrouillage (empreintes
# vérifiées) ; refait seulement si pyproject.toml ou le verrou change.
$(BIN)/stages-collectifs: pyproject.toml $(VERROU)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(VERROU)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/stages-collectifs

# Régénère le verrou depuis pyproject.toml en gardant les versions déjà choisies ;
# `make verrou MISE_A_JOUR=1` prend les dernières versions permises par les bornes.
verrou: $(BIN)/stages-collectifs
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --all-build-deps \
	  --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
	  $(if $(MISE_A_JOUR),--upgrade) --output-file $(VERROU) pyproject.toml

# Migre, charge le référentiel et la démo, puis sert sur http://127.0.0.1:$(PORT) (SQLite) :
# `serve` lance le serveur web et le travailleur des tâches de fond (db_worker), arrêtés
# ensemble par Ctrl-C.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/stages-collectifs demo
	$(BIN)/stages-collectifs serve --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Le moteur est typé strictement (mypy --strict), sans Django.
typage: install
	$(BIN)/mypy --strict moteur

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DJANGO_SETTINGS_MODULE=conf.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# La suite complète (SQLite par défaut ; PostgreSQL si DATABASE_URL le désigne). Les tests
# sautés sont listés avec leur raison (-rs) ; aucun test de navigateur ne saute.
test: lint typage migrations-check outils-de-test
	DJANGO_SETTINGS_MODULE=conf.settings.test $(BIN)/pytest -q -rs -n 2 --dist loadfile

# Chromium de Debian et poppler-utils : installés s'ils manquent et qu'on le peut (root et
# apt) ; sinon arrêt avec la commande à lancer.
outils-de-test:
	@manquants=""; \
	test -x $(CHROMIUM) || manquants="chromium"; \
	command -v pdftotext >/dev/null 2>&1 || manquants="$$manquants poppler-utils"; \
	manquants="$${manquants# }"; \
	if [ -n "$$manquants" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v $(APT_GET) >/dev/null 2>&1; then \
	    echo "Installation de $$manquants (paquets Debian des tests de navigateur)…"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq $$manquants >/dev/null || exit 1; \
	    test -x $(CHROMIUM) || { echo "Erreur : $(CHROMIUM) toujours absent après l'installation." >&2; exit 1; }; \
	  else \
	    echo "Erreur : il manque $$manquants pour les tests de navigateur (ils ne sautent jamais)." >&2; \
	    echo "Lancez : sudo apt-get install -y $$manquants" >&2; \
	    exit 1; \
	  fi; \
	fi

bench-affectation: install
	$(BIN)/python -m benchmarks.bench_affectation

bench-rotation: install
	$(BIN)/python -m benchmarks.bench_rotation

bench-charge: install
	$(BIN)/python -m benchmarks.charge.lancer --duree 20 --sortie docs/charge.md

bench: bench-affectation bench-rotation

clean:
	rm -rf $(VENV) staticfiles *.egg-info
