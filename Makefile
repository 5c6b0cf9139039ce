# Stages collectifs — les deux commandes de mise en place : `make run` et `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= conf.settings.dev

.PHONY: install run test lint format migrations-check bench bench-affectation bench-rotation bench-charge clean

# Le venv et le script `stages-collectifs` ; refait seulement si pyproject.toml change.
$(BIN)/stages-collectifs: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/stages-collectifs

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

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DJANGO_SETTINGS_MODULE=conf.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# La suite complète (SQLite par défaut ; PostgreSQL si DATABASE_URL le désigne).
test: lint migrations-check
	DJANGO_SETTINGS_MODULE=conf.settings.test $(BIN)/pytest -q -n 2 --dist loadfile

bench-affectation: install
	$(BIN)/python -m benchmarks.bench_affectation

bench-rotation: install
	$(BIN)/python -m benchmarks.bench_rotation

bench-charge: install
	$(BIN)/python -m benchmarks.charge.lancer --duree 20 --sortie docs/charge.md

bench: bench-affectation bench-rotation

clean:
	rm -rf $(VENV) staticfiles *.egg-info
