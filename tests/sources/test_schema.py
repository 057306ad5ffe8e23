"""The published JSON Schema matches the loader, and editors find it from the example."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from conftest import EXAMPLE, MINIMAL, ROOT, run
from dossier.sources import schema


def test_committed_schema_is_current():
    for name, content in schema.json_schemas().items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == schema.dump_json_schema(content), f"schema/{name} : lancer « make schema »"


def test_schema_command_writes_the_files(tmp_path):
    result = run("schema", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bloc.schema.json", "certification.schema.json", "session.schema.json"]
    assert json.loads((tmp_path / "bloc.schema.json").read_text())["title"] == "Bloc de compétences"


def test_example_files_point_editors_at_the_schema():
    cert = (EXAMPLE / "certification.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert cert == "# yaml-language-server: $schema=../schema/certification.schema.json"
    assert (EXAMPLE / cert.split("=", 1)[1]).is_file()
    for bloc in sorted((EXAMPLE / "blocs").glob("*.yaml")):
        first = bloc.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/bloc.schema.json"
        assert (bloc.parent / first.split("=", 1)[1]).is_file()


def _as_json(path):
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize("folder", [EXAMPLE, MINIMAL], ids=["exemple", "minimal"])
def test_sources_validate_against_the_published_schema(folder):
    schemas = schema.json_schemas()
    jsonschema.validate(_as_json(folder / "certification.yaml"), schemas["certification.schema.json"])
    for bloc in sorted((folder / "blocs").glob("*.yaml")):
        jsonschema.validate(_as_json(bloc), schemas["bloc.schema.json"])


def test_schema_rejects_what_the_loader_rejects():
    bloc = _as_json(MINIMAL / "blocs" / "bc01.yaml")
    bloc["competences"][0]["texte_"] = "x"
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.validate(bloc, schema.json_schemas()["bloc.schema.json"])
    bloc = _as_json(MINIMAL / "blocs" / "bc01.yaml")
    bloc["code"] = "B1"
    with pytest.raises(jsonschema.ValidationError, match="does not match"):
        jsonschema.validate(bloc, schema.json_schemas()["bloc.schema.json"])
