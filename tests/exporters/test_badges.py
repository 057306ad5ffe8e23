"""Open Badges 3.0: the achievements on content and schema; credentials unsigned and signed, verified by the
same code; the specification's eddsa-rdfc-2022 test vector reproduced byte for byte, with no network."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import stat

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conftest import EXAMPLE, FIXTURES, run
from dossier.checks import check
from dossier.errors import DossierError
from dossier.exporters import badges, integrity
from dossier.exporters.case import case_package

STANDARDS = FIXTURES / "standards"
VECTOR = STANDARDS / "ob-3.0-test-vector-eddsa-rdfc-2022"
HOLDER = badges.Holder(nom="Dupont", prenom="Marie", numero="A-12", courriel="Marie.Dupont@exemple.fr")
DAY = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Signing and verifying read the contexts from the package: any connection attempt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("connexion réseau tentée")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def ob_validator(definition: str | None = None) -> jsonschema.Draft201909Validator:
    schema = json.loads((STANDARDS / "ob-3.0-achievementcredential.schema.json").read_text(encoding="utf-8"))
    if definition:  # one definition of the schema, with its references resolved inside it
        schema = {**schema, "$ref": f"#/$defs/{definition}"}
        schema.pop("required", None), schema.pop("properties", None), schema.pop("type", None)
        schema.pop("additionalProperties", None)
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


def problems(document: dict, definition: str | None = None) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in ob_validator(definition).iter_errors(document)]


@pytest.fixture(scope="module")
def vector() -> dict:
    return json.loads((VECTOR / "test-vector.json").read_text(encoding="utf-8"))


# --- the specification's test vector ----------------------------------------------------------


def test_the_test_vector_reproduces_byte_for_byte(vector):
    unsigned, options = vector["unsignedCredential"], vector["proofConfiguration"]
    assert integrity.canonical(unsigned) == (VECTOR / "document-canon.txt").read_text(encoding="utf-8")
    assert integrity.canonical({**options, "@context": unsigned["@context"]}) == (VECTOR / "proof-canon.txt").read_text(encoding="utf-8")
    seed = bytes.fromhex(vector["keypair"]["privateKeyHex_seed_plus_public"])[:32]
    key = Ed25519PrivateKey.from_private_bytes(seed)
    assert integrity.public_multibase(key.public_key()) == vector["keypair"]["publicKeyMultibase"]
    signed = integrity.sign(unsigned, key, options["verificationMethod"], options["created"])
    proof = signed["proof"][0]
    assert proof == vector["signedCredential"]["proof"]  # the same proofValue, to the byte
    data = integrity._hash_data(unsigned, options, unsigned["@context"])
    assert data.hex() == vector["dataToSignHex_proofHash_then_docHash"]
    assert key.sign(data).hex() == vector["signatureHex"]


def test_the_vectors_signed_credential_verifies_and_fails_once_touched(vector):
    signed = vector["signedCredential"]  # its proof is one object, not a list: both are read
    assert integrity.verify(signed).ok
    touched = json.loads(json.dumps(signed))
    touched["credentialSubject"]["achievement"]["name"] = "Teamwork!"
    result = integrity.verify(touched)
    assert not result.ok and "signature invalide" in result.message


def test_contexts_come_from_the_package_only():
    with pytest.raises(integrity.UnknownContextError):
        integrity.load_document("https://example.org/context.jsonld")
    document = {"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/other.jsonld"], "id": "urn:x", "type": ["VerifiableCredential"]}
    with pytest.raises(DossierError, match="JSON-LD impossible à signer"):
        integrity.sign(document, Ed25519PrivateKey.generate(), "urn:x#z", "2026-01-01T00:00:00Z")


# --- achievements ---------------------------------------------------------------------------


def test_bloc_achievement_content(example_cert):
    bloc = example_cert.blocs[0]
    a = badges.achievement(example_cert, bloc)
    assert problems(a, "Achievement") == []
    assert problems({**a, "achievementType": "Bloc"}, "Achievement")  # the schema does check
    assert a["type"] == ["Achievement"] and a["achievementType"] == "MicroCredential"
    assert a["name"] == "BC01 — Analyser son marché et participer à la stratégie commerciale" and a["humanCode"] == "BC01"
    narrative = a["criteria"]["narrative"]
    for comp in bloc.competences:
        assert f"- {comp.id} {comp.texte}" in narrative
    assert "- Étude de cas : De l’analyse du marché au Plan d’Action Commerciale (3 heures)" in narrative
    assert "- Rapport d’activités (30 mn)" in narrative
    assert "Le bloc est validé lorsque toutes ses compétences sont acquises" in narrative
    assert a["creator"]["name"] == "Institut Exemple de Commerce et de Management" and a["inLanguage"] == "fr"
    # aligned on the very CASE items of the export: same identifiers, same addresses
    items = {i["humanCodingScheme"]: i for i in case_package(example_cert)["CFItems"]}
    case = {x["targetCode"]: x for x in a["alignment"] if x["targetType"] == "CFItem"}
    assert set(case) == {items[c]["identifier"] for c in ("BC01", "C1.1", "C1.2", "C1.3", "C1.4")}
    assert all(x["targetUrl"] == items[x["targetName"].split(" ")[0]]["uri"] for x in case.values())
    assert integrity.dropped_terms(a) == []


def test_certification_achievement_and_outside_alignments(example_cert):
    a = badges.achievement(example_cert)
    assert problems(a, "Achievement") == []
    assert a["achievementType"] == "Certification" and a["name"] == "Responsable commercial et marketing"
    assert "Le titulaire a validé chacun des 4 blocs" in a["criteria"]["narrative"]
    assert "- BC04 — " in a["criteria"]["narrative"]
    assert [x["targetName"].split(" — ")[0] for x in a["alignment"]] == ["BC01", "BC02", "BC03", "BC04"]
    esco = [x for x in badges.achievement(example_cert, example_cert.blocs[2])["alignment"] if x["targetType"] == "ext:ESCO"]
    assert esco == [{
        "type": ["Alignment"], "targetType": "ext:ESCO", "targetCode": "http://data.europa.eu/esco/skill/1f1d2ff8-c4c1-45cc-9812-6a7ee84a73cb",
        "targetName": "lead a team", "targetUrl": "http://data.europa.eu/esco/skill/1f1d2ff8-c4c1-45cc-9812-6a7ee84a73cb", "targetFramework": "ESCO",
    }]


def test_a_registered_certification_aligns_with_its_fiche(project):
    text = (FIXTURES / "minimal" / "certification.yaml").read_text(encoding="utf-8")
    folder = project({"certification.yaml": text.replace("niveau: 5", "code_rncp: RNCP37488\nniveau: 5")
                      + "adresse_site: https://certif.example.fr/\n"})
    cert = check(folder).certification
    a = badges.achievement(cert, cert.blocs[0])
    assert a["id"] == "https://certif.example.fr/badges/bc01.json" and a["humanCode"] == "RNCP37488BC01"
    fiche = [x for x in a["alignment"] if x["targetType"] == "ext:FicheRNCP"]
    assert fiche == [{"type": ["Alignment"], "targetType": "ext:FicheRNCP", "targetName": "Fiche RNCP37488 (France compétences)",
                      "targetUrl": "https://www.francecompetences.fr/recherche/rncp/37488/", "targetCode": "RNCP37488BC01", "targetFramework": "RNCP"}]
    assert badges.achievement(cert)["humanCode"] == "RNCP37488"


def test_the_site_publishes_the_achievements_and_no_credential(example_build, example_cert):
    folder = example_build / "site" / "badges"
    assert sorted(p.name for p in folder.iterdir()) == ["bc01.json", "bc02.json", "bc03.json", "bc04.json", "certification.json"]
    published = json.loads((folder / "bc02.json").read_text(encoding="utf-8"))
    assert published == badges.achievement(example_cert, example_cert.blocs[1])
    assert published["@context"] == badges.CONTEXT
    for path in (example_build / "site").rglob("*.json"):
        assert "OpenBadgeCredential" not in path.read_text(encoding="utf-8")


# --- credentials ----------------------------------------------------------------------------


def test_unsigned_credential(example_cert):
    achievement = badges.achievement(example_cert, example_cert.blocs[0])
    c = badges.credential(HOLDER, achievement, DAY)
    assert problems(c) == []
    assert "proof" not in c and c["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert c["validFrom"] == c["awardedDate"] == "2026-10-01T00:00:00Z"
    assert c["issuer"]["id"] == "https://certification.exemple.fr" and c["issuer"]["otherIdentifier"][0]["identifier"] == "84215793500011"
    subject = c["credentialSubject"]
    assert subject["achievement"] == {k: v for k, v in achievement.items() if k != "@context"}
    ids = {i["identityType"]: i for i in subject["identifier"]}
    assert ids["name"]["identityHash"] == "Marie Dupont" and ids["sourcedId"]["identityHash"] == "A-12"
    email = ids["emailAddress"]
    assert email["hashed"] and email["identityHash"] == "sha256$" + hashlib.sha256(("marie.dupont@exemple.fr" + email["salt"]).encode()).hexdigest()
    assert "Marie.Dupont" not in json.dumps(c)
    assert integrity.dropped_terms(c) == []  # everything in it would be signed
    assert badges.credential(HOLDER, achievement, DAY) == c  # same arguments, same credential
    assert not integrity.verify(c).ok


def test_signed_credential_verifies_and_a_tampered_one_fails(example_cert):
    key = Ed25519PrivateKey.generate()
    signed = badges.credential(HOLDER, badges.achievement(example_cert, example_cert.blocs[3]), DAY, key)
    assert problems(signed) == []
    proof = signed["proof"][0]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022" and proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == f"https://certification.exemple.fr#{integrity.public_multibase(key.public_key())}"
    assert integrity.verify(signed) == integrity.Verification(True, f"signature valide (eddsa-rdfc-2022, clé {proof['verificationMethod']})")

    def tampered(change) -> integrity.Verification:
        copy = json.loads(json.dumps(signed))
        change(copy)
        return integrity.verify(copy)

    for change in (
        lambda d: d["credentialSubject"]["identifier"][0].update(identityHash="Jean Martin"),
        lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
        lambda d: d["credentialSubject"]["achievement"].update(name="BC04 — autre chose"),
        lambda d: d["proof"][0].update(created="2026-10-02T00:00:00Z"),
    ):
        result = tampered(change)
        assert not result.ok and "signature invalide" in result.message
    added = tampered(lambda d: d.update(mention="très bien"))  # a term no context defines: it would not be signed
    assert not added.ok and "mention" in added.message
    other_issuer = tampered(lambda d: d["issuer"].update(id="https://autre.example.org"))
    assert not other_issuer.ok and "n'appartient pas à l'émetteur" in other_issuer.message
    # signed by another key that claims to be the issuer's
    forged = badges.credential(HOLDER, badges.achievement(example_cert, example_cert.blocs[3]), DAY, Ed25519PrivateKey.generate())
    forged["proof"][0]["verificationMethod"] = proof["verificationMethod"]
    assert not integrity.verify(forged).ok


def test_credential_arguments():
    achievement = badges.achievement(check(EXAMPLE).certification)
    with pytest.raises(ValueError, match="sans fuseau horaire"):
        badges.credential(HOLDER, achievement, dt.datetime(2026, 10, 1, 12, 0))
    at_noon = badges.credential(HOLDER, achievement, dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert at_noon["validFrom"] == "2026-10-01T10:00:00Z"
    with pytest.raises(ValueError, match="sans nom"):
        badges.credential(badges.Holder(nom=""), achievement, DAY)
    with_did = badges.credential(badges.Holder(nom="Dupont", id="did:example:123"), achievement, DAY)
    assert with_did["credentialSubject"]["id"] == "did:example:123" and problems(with_did) == []


# --- key files and the command line ---------------------------------------------------------


def test_key_files(tmp_path):
    rsa_key = tmp_path / "rsa.pem"
    rsa_key.write_bytes(rsa.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(DossierError, match="doit être de type Ed25519"):
        integrity.load_key(rsa_key)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("pas une clé", encoding="utf-8")
    with pytest.raises(DossierError, match="pas une clé privée PEM"):
        integrity.load_key(garbage)
    locked = tmp_path / "locked.pem"
    locked.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"secret")))
    with pytest.raises(DossierError, match="mot de passe"):
        integrity.load_key(locked)
    with pytest.raises(DossierError, match="lecture de la clé impossible"):
        integrity.load_key(tmp_path / "absent.pem")


def test_cli_key_issue_verify(tmp_path):
    key = tmp_path / "cles" / "certificateur.pem"
    made = run("badges", "cle", str(key))
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    public = integrity.public_multibase(integrity.load_key(key).public_key())
    assert made.output == f"Clé écrite dans {key} (lisible par vous seul).\nClé publique : {public}\n"
    before = key.read_bytes()
    again = run("badges", "cle", str(key))
    assert again.exit_code == 1 and "existe déjà : une clé n'est jamais remplacée" in again.output
    assert key.read_bytes() == before and sorted(p.name for p in key.parent.iterdir()) == ["certificateur.pem"]

    out = tmp_path / "dupont-bc01.json"
    issued = run("badges", "emettre", str(EXAMPLE), "--bloc", "BC01", "--nom", "Dupont", "--prenom", "Marie",
                 "--date", "2026-10-01", "--cle", str(key), "--out", str(out))
    assert issued.exit_code == 0, issued.output
    assert issued.output == f"Badge signé écrit dans {out} (lisible par vous seul).\n"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600  # personal data
    document = json.loads(out.read_text(encoding="utf-8"))
    assert problems(document) == [] and document["credentialSubject"]["achievement"]["humanCode"] == "BC01"

    checked = run("badges", "verifier", str(out))
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith(f"{out} : signature valide (eddsa-rdfc-2022, clé https://certification.exemple.fr#{public})\n")
    assert "Émetteur : Institut Exemple de Commerce et de Management" in checked.output

    document["credentialSubject"]["identifier"][0]["identityHash"] = "Jean Martin"
    out.write_text(json.dumps(document), encoding="utf-8")
    refused = run("badges", "verifier", str(out))
    assert refused.exit_code == 1
    assert refused.output == f"Erreur : {out} : signature invalide : le document a été modifié après sa signature, ou signé par une autre clé\n"


def test_cli_unsigned_unknown_bloc_and_bad_files(tmp_path):
    out = tmp_path / "badge.json"
    unsigned = run("badges", "emettre", str(EXAMPLE), "--nom", "Dupont", "--date", "2026-10-01", "--out", str(out))
    assert unsigned.exit_code == 0 and "Badge non signé" in unsigned.output
    assert json.loads(out.read_text(encoding="utf-8"))["credentialSubject"]["achievement"]["achievementType"] == "Certification"
    result = run("badges", "verifier", str(out))
    assert result.exit_code == 1 and "aucune preuve eddsa-rdfc-2022 : le document n'est pas signé" in result.output
    unknown = run("badges", "emettre", str(EXAMPLE), "--bloc", "BC09", "--nom", "Dupont", "--date", "2026-10-01", "--out", str(tmp_path / "x.json"))
    assert unknown.exit_code == 2 and "bloc « BC09 » inconnu" in unknown.output
    not_json = tmp_path / "x.json"
    not_json.write_text("{", encoding="utf-8")
    bad = run("badges", "verifier", str(not_json))
    assert bad.exit_code == 1 and "ce n'est pas un fichier JSON" in bad.output and "Traceback" not in bad.output
