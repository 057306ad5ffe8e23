"""W3C Data Integrity, cryptosuite eddsa-rdfc-2022: sign and verify a credential with an Ed25519 key.

The algorithm (VC Data Integrity EdDSA Cryptosuites, §3.2; the one Open
Badges 3.0 certifies for embedded proofs): canonicalise the credential
without its proof, and the proof's options with the credential's @context,
with RDF Dataset Canonicalization (URDNA2015, pyld); sign SHA-256(options) ‖
SHA-256(credential) with Ed25519 (cryptography); the proofValue is the
signature in multibase base58btc. The JSON-LD contexts are read from this
package only (contexts/): no network, ever. A property the contexts do not
define would be dropped by canonicalisation, hence not signed: signing
refuses it, verifying fails on it.

The key file is a PKCS#8 PEM Ed25519 private key, as `openssl genpkey
-algorithm ed25519` writes it, readable by its owner only.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from ..errors import DossierError

CONTEXTS_DIR = Path(__file__).parent / "contexts"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
ED25519_PUB = b"\xed\x01"  # multicodec prefix of an Ed25519 public key


class UnknownContextError(Exception):
    """A JSON-LD context this package does not hold (it is never fetched)."""


@cache
def _context(name: str) -> dict:
    return json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))


def load_document(url: str, options=None) -> dict:
    """pyld's document loader: the package's own copies, nothing else."""
    name = CONTEXTS.get(url)
    if name is None:
        raise UnknownContextError(url)
    # "tag": "static": pyld keeps the processed contexts across calls (they never change); a session signs thousands
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": copy.deepcopy(_context(name)), "tag": "static"}


def expanded(document: dict) -> tuple[list, list[str]]:
    """The document expanded (JSON-LD), and the properties expansion dropped (undefined in the contexts:
    they would not be signed)."""
    dropped: list[str] = []
    out = jsonld.expand(document, {"documentLoader": load_document}, on_property_dropped=lambda p: dropped.append(str(p)))
    return out, sorted(set(dropped))


def dropped_terms(document: dict) -> list[str]:
    return expanded(document)[1]


def canonical(document) -> str:
    """The canonical N-Quads (URDNA2015, the same as RDFC-1.0 here) of a document, compacted or expanded."""
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load_document})


@lru_cache(maxsize=256)
def _options_hash(options: str) -> bytes:
    """The proof options' hash: the same for every credential a session signs on one day with one key."""
    return hashlib.sha256(canonical(json.loads(options)).encode()).digest()


def _hash_data(document, options: dict, context) -> bytes:
    """SHA-256(proof options) ‖ SHA-256(document): what Ed25519 signs. `document` may be expanded already."""
    options = json.dumps({**options, "@context": context}, sort_keys=True, ensure_ascii=False)
    return _options_hash(options) + hashlib.sha256(canonical(document).encode()).digest()


def public_multibase(key: Ed25519PublicKey) -> str:
    """z6Mk…: the public key as a Multikey (multibase base58btc of 0xed01 + the 32 bytes)."""
    return "z" + base58.b58encode(ED25519_PUB + key.public_bytes_raw()).decode("ascii")


def public_key(multibase: str) -> Ed25519PublicKey:
    if not multibase.startswith("z"):
        raise ValueError("clé publique qui n'est pas en base58btc (« z… »)")
    raw = base58.b58decode(multibase[1:])
    if len(raw) != 34 or not raw.startswith(ED25519_PUB):
        raise ValueError("clé publique qui n'est pas une clé Ed25519")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def sign(document: dict, key: Ed25519PrivateKey, verification_method: str, created: str) -> dict:
    """A copy of `document` with a DataIntegrityProof (eddsa-rdfc-2022) appended to its `proof` list."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        expanded_doc, dropped = expanded(unsecured)
    except (UnknownContextError, jsonld.JsonLdError) as exc:
        raise DossierError(f"JSON-LD impossible à signer : {_jsonld_reason(exc)}") from exc
    if dropped:
        raise DossierError(f"propriétés non définies dans les contextes JSON-LD, qui ne seraient pas signées : {', '.join(dropped)}")
    options = {
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    }
    try:
        signature = key.sign(_hash_data(expanded_doc, options, unsecured["@context"]))
    except (UnknownContextError, jsonld.JsonLdError) as exc:
        raise DossierError(f"JSON-LD impossible à signer : {_jsonld_reason(exc)} (seuls les contextes de Verifiable Credentials 2.0 "
                           "et d'Open Badges 3.0 sont connus)") from exc
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}
    previous = document.get("proof", [])
    return {**copy.deepcopy(unsecured), "proof": [*(previous if isinstance(previous, list) else [previous]), proof]}


@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str  # in French, for whoever checks the credential


def verify(document: dict) -> Verification:
    """Check every eddsa-rdfc-2022 proof of a credential; ok when there is one and all hold."""
    if not isinstance(document, dict):
        return Verification(False, "ce n'est pas un objet JSON")
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if isinstance(proofs, dict) else []
    ours = [p for p in proofs if isinstance(p, dict) and p.get("type") == "DataIntegrityProof" and p.get("cryptosuite") == CRYPTOSUITE]
    if not ours:
        return Verification(False, f"aucune preuve {CRYPTOSUITE} : le document n'est pas signé (ou pas ainsi)")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        expanded_doc, dropped = expanded(unsecured)
        if dropped:
            return Verification(False, f"propriétés non définies dans les contextes, donc non couvertes par la signature : {', '.join(dropped)}")
        for proof in ours:
            problem = _check_proof(unsecured, expanded_doc, proof)
            if problem:
                return Verification(False, problem)
    except UnknownContextError as exc:
        return Verification(False, f"contexte JSON-LD inconnu : {exc} (jamais téléchargé)")
    except jsonld.JsonLdError as exc:
        return Verification(False, f"JSON-LD invalide : {_jsonld_reason(exc)}")
    return Verification(True, f"signature valide ({CRYPTOSUITE}, clé {ours[-1]['verificationMethod']})")


def _check_proof(unsecured: dict, expanded_doc: list, proof: dict) -> str:
    if proof.get("proofPurpose") != "assertionMethod":
        return "preuve dont le but n'est pas « assertionMethod »"
    method = str(proof.get("verificationMethod", ""))
    controller, _, fragment = method.partition("#")
    if controller.startswith("did:key:"):
        fragment = controller[len("did:key:"):]
    else:
        issuer = unsecured.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if controller != issuer_id:
            return f"la clé « {method} » n'appartient pas à l'émetteur « {issuer_id} »"
    try:
        key = public_key(fragment)
        value = str(proof.get("proofValue", ""))
        if not value.startswith("z"):
            return "valeur de preuve qui n'est pas en base58btc (« z… »)"
        signature = base58.b58decode(value[1:])
    except ValueError as exc:
        return str(exc)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        key.verify(signature, _hash_data(expanded_doc, options, unsecured.get("@context")))
    except InvalidSignature:
        return "signature invalide : le document a été modifié après sa signature, ou signé par une autre clé"
    return ""


def _jsonld_reason(exc: Exception) -> str:
    while getattr(exc, "cause", None) is not None:
        exc = exc.cause
    if isinstance(exc, UnknownContextError):
        return f"contexte inconnu {exc}"
    return str(getattr(exc, "message", exc)).splitlines()[0]


# --- key files ---------------------------------------------------------------------------


def new_key_pem() -> bytes:
    """A fresh Ed25519 private key, PKCS#8 PEM (what `openssl genpkey -algorithm ed25519` writes)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_key(path: Path) -> Ed25519PrivateKey:
    """The certificateur's signing key; a clear error for anything that is not an unencrypted Ed25519 PEM key."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DossierError(f"{path} : lecture de la clé impossible ({exc.strerror})") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as exc:
        raise DossierError(f"{path} : clé protégée par un mot de passe ; fournissez une clé Ed25519 non chiffrée (fichier lisible par vous seul)") from exc
    except ValueError as exc:
        raise DossierError(f"{path} : ce n'est pas une clé privée PEM (créez-en une avec « dossier badges cle »)") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise DossierError(f"{path} : la clé doit être de type Ed25519 (eddsa-rdfc-2022), pas {type(key).__name__.removesuffix('PrivateKey').removeprefix('_')}")
    return key
