# Two commands do all the set-up on a fresh machine (Debian/Ubuntu):
#   make demo   installs casefile in .venv and renders the bundled example dossier into out/
#   make test   installs casefile with its test tools in .venv and runs the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-hosny-amiri poppler-utils
EXAMPLE := evidence/ariha-2015

.PHONY: demo test system-deps venv clean

system-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: system-deps $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# The example is rendered from a copy in out/, so its committed custody log stays as shipped
# (every render is logged in the custody log of the case it renders).
demo: venv
	rm -rf out/ariha-2015 && mkdir -p out && cp -a $(EXAMPLE) out/ariha-2015
	$(BIN)/casefile --case out/ariha-2015 verify
	$(BIN)/casefile --case out/ariha-2015 render --audience public -o out/ariha-public.pdf
	$(BIN)/casefile --case out/ariha-2015 render --audience court -o out/ariha-court.pdf
	$(BIN)/casefile --case out/ariha-2015 render --audience public --format html -o out/ariha-public.html
	@echo "Dossiers written to out/: ariha-public.pdf, ariha-court.pdf, ariha-public.html"

test: venv
	$(BIN)/ruff check casefile tests benchmarks evidence
	$(BIN)/pytest

clean:
	rm -rf out build *.egg-info
