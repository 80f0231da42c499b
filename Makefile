# Two commands do everything on a fresh machine:  make run  |  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-future venv dev data etl app lint clean screenshots bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed  ## what the app and the ETL need (requirements.txt)

dev: $(VENV)/.installed-dev  ## plus tests and lint (requirements-dev.txt)

data: venv  ## fill the inbox with the shipped gazette and (once) the demo hotline exports
	$(BIN)/python -m etl seed-inbox
	@ls data/inbox/12345工单_演示_* >/dev/null 2>&1 || $(BIN)/python -m etl demo --inbox data/inbox

etl: data  ## extract, load, publish the warehouse
	$(BIN)/python -m etl run

app: venv
	$(BIN)/python -m streamlit run dashboard/server.py --server.address 127.0.0.1 --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

run: etl app  ## venv + install + demo data + ETL + app on http://127.0.0.1:8501

test: dev  ## the whole suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

test-future: dev  ## the suite (browser tests aside: they run in other processes) with the clock moved to the end of 2028
	TEST_CLOCK="2028-12-31 23:00:00" $(BIN)/python -m pytest -q --ignore=tests/browser

screenshots: dev  ## refresh docs/screenshots from the browser tests (needs Debian chromium)
	SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/browser -k "every_page or sso or click_on_the_map or compact or overdue_ticket or survives or alert_center or ranking_marks or hot_problems or city_briefing or county_account or long_overdue_list"

bench: venv  ## the performance benchmark (1 M and 10 M tickets); writes docs/PERFORMANCE.md
	$(BIN)/python -m bench

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf data/inbox data/lake data/warehouse.duckdb tests/artifacts
