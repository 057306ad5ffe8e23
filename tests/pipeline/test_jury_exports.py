"""A jury session's files for other systems: accrochage.xml (Caisse des Dépôts) and Open Badges credentials."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from lxml import etree

from dossier.exporters import integrity
from tests.conftest import ROOT, run
from tests.exporters.test_accrochage import SCHEMA

pytestmark = pytest.mark.slow
NS = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}


@pytest.fixture(scope="module")
def registered(tmp_path_factory) -> tuple[Path, Path]:
    """The example sources with an RNCP code (the file needs one), and the example session."""
    tmp = tmp_path_factory.mktemp("registered")
    sources, session = tmp / "sources", tmp / "session"
    shutil.copytree(ROOT / "sources", sources)
    shutil.copytree(ROOT / "exemples" / "session", session)
    cert = sources / "certification.yaml"
    text = cert.read_text(encoding="utf-8")
    assert "\ncode_rncp:" not in text
    cert.write_text(text.replace("\nniveau:", "\ncode_rncp: RNCP99999\nniveau:", 1), encoding="utf-8")
    return sources, session


def test_the_holders_go_to_the_accrochage_file_and_every_validated_bloc_gets_a_signed_badge(registered, tmp_path):
    sources, session = registered
    key = tmp_path / "cle.pem"
    assert run("badges", "cle", str(key)).exit_code == 0
    out = tmp_path / "out"
    result = run("jury", str(sources), str(session), "--out", str(out), "--format", "html", "--cle", str(key))
    assert result.exit_code == 0, result.output
    xml = (out / "accrochage.xml").read_bytes()
    assert stat.S_IMODE((out / "accrochage.xml").stat().st_mode) == 0o600
    schema_path = tmp_path / "accrochage.xsd"
    schema_path.write_text(SCHEMA, encoding="utf-8")
    etree.XMLSchema(etree.parse(str(schema_path))).assertValid(etree.fromstring(xml))
    root = etree.fromstring(xml)
    # candidate 1001 validated every bloc; 1004 completed the certification with blocs acquired before (acquis.csv)
    assert [p.findtext(".//cpf:nomNaissance", namespaces=NS) for p in root.iterfind(".//cpf:passageCertification", NS)] == [
        "Durand-Exemple", "Petit-Imaginaire"]
    assert root.findtext(".//cpf:certification/cpf:code", namespaces=NS) == "RNCP99999"
    decisions = [line.split(";") for line in (out / "decisions.csv").read_text(encoding="utf-8").splitlines()[1:]]
    header = (out / "decisions.csv").read_text(encoding="utf-8").splitlines()[0].split(";")
    validated = sorted((d[header.index("numero")], d[header.index("bloc")]) for d in decisions if d[header.index("decision")] == "validé")
    badges = sorted(p.name for p in (out / "badges").iterdir())
    # a badge per bloc validated at this session (none again for 1004's earlier blocs), the certification's per holder
    expected = sorted([f"badge-{n}-{b.lower()}.json" for n, b in validated] + ["badge-1001-certification.json", "badge-1004-certification.json"])
    assert badges == expected
    for name in badges:
        document = json.loads((out / "badges" / name).read_text(encoding="utf-8"))
        assert integrity.verify(document).ok, name


def test_bad_identity_is_reported_by_number_before_anything_is_written(registered, tmp_path):
    sources, session = registered
    broken = tmp_path / "session"
    shutil.copytree(session, broken)
    csv = broken / "candidats.csv"
    # no sex: optional for the documents, required by the accrochage file
    csv.write_text(csv.read_text(encoding="utf-8").replace(";69266;69100;M;", ";69266;69100;;"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("jury", str(sources), str(broken), "--out", str(out))
    assert result.exit_code == 1
    assert "candidats.csv:3: candidat n° 1002 : " in result.output
    assert "fichier d'accrochage" in result.output and "Martin" not in result.output and "02/11/1995" not in result.output
    assert not out.exists()
