# dossier — the two commands: `make dossier` builds the example, `make test` tests everything.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SOURCES ?= sources
BUILD   ?= build
# Dates in the documents come from the last commit, never from the clock.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

# Debian packages the tests drive: LibreOffice (DOCX → PDF; Calc opens the review
# workbook), poppler (pdftotext, pdftoppm), Chromium (the site), fonts for stable rendering,
# HarfBuzz's subsetter (one copy of each font in a PDF laid out in parts), Java and JAXB for veraPDF
# (the PDF/UA-1 validator the tests run).
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils chromium fonts-dejavu-core \
                fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 openjdk-17-jre-headless libjaxb-java

.PHONY: dossier jury test check clean schema docs bench system-deps bytecode

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# The package's modules compiled once (__pycache__), so that every command starts without compiling them:
# ~0.3 s of CPU per `dossier` process where Python is told not to write them (PYTHONDONTWRITEBYTECODE, set
# in many containers). It still reads them, and recompiles in memory a module changed since.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q dossier

dossier: $(STAMP) bytecode
	$(BIN)/dossier build $(SOURCES) --out $(BUILD) --strict

# The example jury session (fictional people): decisions, PV, fiches, relevés, attestations, parchemins,
# in build/jury/ — personal data, files readable by their owner only; never in build/site/.
jury: $(STAMP) bytecode
	$(BIN)/dossier jury $(SOURCES) exemples/session --out $(BUILD)/jury

check: $(STAMP)
	$(BIN)/dossier check $(SOURCES)
	$(BIN)/ruff check dossier tests bench tools

test: $(STAMP) bytecode system-deps
	DOSSIER_REQUIRE_TOOLS=1 FUZZ_EXAMPLES=200 $(BIN)/python -m pytest -q

schema: $(STAMP)
	$(BIN)/dossier schema --out schema

# The generated parts of the documentation (CLI reference, rules, code map); a test fails when they drift.
docs: $(STAMP)
	PYTHONPATH=tools $(BIN)/cog -r README.md docs/*.md

system-deps:
	@missing=""; \
	for cmd in soffice pdftotext pdftoppm chromium java; do command -v $$cmd >/dev/null || missing="$$missing $$cmd"; done; \
	if command -v dpkg >/dev/null && ! dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 && ! dpkg -s libreoffice-calc >/dev/null 2>&1; then \
	  missing="$$missing libreoffice-calc"; fi; \
	for pkg in libharfbuzz-subset0 libjaxb-java; do \
	  if command -v dpkg >/dev/null && ! dpkg -s $$pkg >/dev/null 2>&1; then missing="$$missing $$pkg"; fi; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation des paquets Debian manquants ($$missing)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "Manquent :$$missing — installez : sudo apt-get install $(APT_PACKAGES)"; exit 1; \
	  fi; \
	fi

bench: $(STAMP) bytecode system-deps
	@command -v pandoc >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq --no-install-recommends pandoc >/dev/null; } || true
	$(BIN)/python bench/run.py

clean:
	rm -rf $(BUILD)
