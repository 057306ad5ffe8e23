"""Where the benchmark reads and writes."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"  # git-ignored: generated sources, CSVs, Markdown, outputs
EXAMPLE = ROOT / "sources"
