"""Whatever the input, the CLI ends with exit 0 or 1 and a message, never a traceback."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, run

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")

yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["C1.1", "A1", "M1.1", "BC01", "2026-01-01", "~", "[", "&a", "*a", "!!python/none"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["id", "texte", "competences", "code", "intitule", "x", "modalites"]), children, max_size=4),
    ),
    max_leaves=12,
)


def _check(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "p"
        shutil.copytree(MINIMAL, folder)
        for rel, data in files.items():
            (folder / rel).write_bytes(data)
        result = run("check", str(folder))
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert result.output.strip()
    if result.exit_code == 1:
        assert result.stderr.startswith("Erreur : sources non conformes")


# The quick loop tries 40 inputs per test; `make test` tries 200 (FUZZ_EXAMPLES).
FAST = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=300))
def test_random_bytes(data):
    _check({"blocs/bc01.yaml": data})


@FAST
@given(st.text(max_size=300))
def test_random_text(text):
    _check({"certification.yaml": text.encode("utf-8", "replace")})


@FAST
@given(st.data())
def test_mutated_bloc(data):
    """Cut, duplicate or replace lines of a valid bloc, and swap values for random ones."""
    lines = BLOC.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "value", "indent", "garbage"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = " " + lines[i]
        elif action == "garbage":
            lines[i] = data.draw(st.text(max_size=20))
        else:
            key = lines[i].split(":", 1)[0]
            import json

            lines[i] = f"{key}: {json.dumps(data.draw(yaml_values), ensure_ascii=False)}"
        if not lines:
            break
    _check({"blocs/bc01.yaml": "\n".join(lines).encode("utf-8", "replace")})


@FAST
@given(yaml_values)
def test_random_structure_as_certification(value):
    import yaml

    text = yaml.safe_dump(value, allow_unicode=True) if value is not None else ""
    _check({"certification.yaml": text.encode("utf-8", "replace")})
