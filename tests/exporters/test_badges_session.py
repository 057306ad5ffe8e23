"""A holder's Open Badges after a jury (`credentials_for`): one per validated bloc, one for the certification
when all are, unsigned or signed and verified by integrity.py, the same bytes on every run."""

from __future__ import annotations

import datetime as dt
import json
import socket

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conftest import FIXTURES
from dossier.exporters import badges, integrity

HOLDER = badges.Holder(nom="Dupont", prenom="Marie", numero="12")
DAY = dt.date(2026, 10, 1)
# A fixed key: signatures are deterministic (Ed25519), so the bytes can be compared across runs.
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("connexion réseau tentée")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def schema_problems(document: dict) -> list[str]:
    schema = json.loads((FIXTURES / "standards" / "ob-3.0-achievementcredential.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def loaded(files: list[tuple[str, bytes]]) -> dict[str, dict]:
    return {name: json.loads(data) for name, data in files}


def test_one_unsigned_credential_per_validated_bloc(example_cert):
    files = badges.credentials_for(example_cert, HOLDER, ["BC03", "bc01"], DAY)
    docs = loaded(files)
    assert list(docs) == ["badge-12-bc01.json", "badge-12-bc03.json"]  # the certification's order; no certification badge
    for name, doc in docs.items():
        assert schema_problems(doc) == []
        assert "proof" not in doc and doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert doc["validFrom"] == "2026-10-01T00:00:00Z"
        achievement = doc["credentialSubject"]["achievement"]
        assert achievement["achievementType"] == "MicroCredential" and achievement["humanCode"] == name[9:13].upper()
        ids = {i["identityType"]: i["identityHash"] for i in doc["credentialSubject"]["identifier"]}
        assert ids == {"name": "Marie Dupont", "sourcedId": "12"}
    assert docs["badge-12-bc01.json"]["id"] != docs["badge-12-bc03.json"]["id"]
    assert files[0][1] == badges.dumps(badges.credential(HOLDER, badges.achievement(example_cert, example_cert.blocs[0]), DAY))


def test_every_bloc_validated_adds_the_certification(example_cert):
    codes = [f"RNCP99999{b.code}" for b in example_cert.blocs[::-1]]  # full codes, any order
    docs = loaded(badges.credentials_for(example_cert, HOLDER, codes, DAY))
    assert list(docs) == ["badge-12-bc01.json", "badge-12-bc02.json", "badge-12-bc03.json", "badge-12-bc04.json",
                          "badge-12-certification.json"]
    whole = docs["badge-12-certification.json"]["credentialSubject"]["achievement"]
    assert whole["achievementType"] == "Certification" and whole["name"] == example_cert.intitule
    assert loaded(badges.credentials_for(example_cert, HOLDER, example_cert.blocs, DAY)) == docs  # the blocs themselves
    assert badges.credentials_for(example_cert, HOLDER, [], DAY) == []


def test_signed_credentials_verify_and_are_the_same_bytes_every_run(example_cert, tmp_path):
    files = badges.credentials_for(example_cert, HOLDER, [b.code for b in example_cert.blocs], DAY, KEY)
    assert len(files) == 5
    public = integrity.public_multibase(KEY.public_key())
    for _, data in files:
        doc = json.loads(data)
        assert schema_problems(doc) == []
        result = integrity.verify(doc)
        assert result.ok, result.message
        assert doc["proof"][0]["verificationMethod"].endswith(f"#{public}")
        doc["credentialSubject"]["identifier"][0]["identityHash"] = "Jean Martin"
        assert not integrity.verify(doc).ok
    assert badges.credentials_for(example_cert, HOLDER, [b.code for b in example_cert.blocs], DAY, KEY) == files
    pem = tmp_path / "cle.pem"
    pem.write_bytes(KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    assert badges.credentials_for(example_cert, HOLDER, [b.code for b in example_cert.blocs], DAY, pem) == files
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    assert badges.credentials_for(example_cert, HOLDER, ["BC01"], DAY, other)[0][1] != files[0][1]


def test_unknown_bloc_and_a_holder_without_number(example_cert):
    with pytest.raises(ValueError, match="BC09"):
        badges.credentials_for(example_cert, HOLDER, ["BC01", "BC09"], DAY)
    files = badges.credentials_for(example_cert, badges.Holder(nom="N'Diaye", prenom="Awa"), ["BC02"], DAY)
    assert [name for name, _ in files] == ["badge-awa-n-diaye-bc02.json"]
