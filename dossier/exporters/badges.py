"""Open Badges 3.0: an Achievement per bloc and one for the certification, and the credentials that award them.

- `achievement(cert, bloc)`: what a badge recognises (name, description,
  criteria.narrative from the bloc's competences and épreuves, achievementType,
  humanCode, alignment to the CASE items, to ROME/ESCO and to the fiche);
  published with the site as badges/bc01.json, badges/certification.json.
- `credential(holder, achievement, issued, key=None)`: the OpenBadgeCredential
  (W3C Verifiable Credential 2.0) of one holder for one achievement, unsigned
  JSON-LD, or signed with the certificateur's Ed25519 key (integrity.py).
- `credentials_for(cert, holder, blocs_valides, issued, key=None)`: a holder's
  credentials after a jury, as files: one per validated bloc, and one for the
  certification when every bloc is validated.
  Credentials carry personal data: they belong to a session's own outputs,
  never to the site.

A bloc is a `MicroCredential` (« a subset of field-specific competencies »),
the certification a `Certification` (« awarded by an authoritative body …
to perform an occupation »), in Open Badges' own vocabulary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..documents.common import regle_decision
from ..sources.model import Bloc, Certification
from ..text import plural, slug
from .addresses import absolute, badge_path, fiche_url, full_code, short_code, stable_uuid
from .case import CaseNodes, alignment_node

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}


def issuer(cert: Certification) -> dict:
    """The certificateur as an Open Badges Profile (the first one, when several deliver the certification)."""
    first = cert.certificateurs[0]
    ident = first.site or f"urn:uuid:{stable_uuid('certificateur', 'siret' if first.siret else 'nom', first.siret or first.nom)}"
    profile = {"id": ident, "type": ["Profile"], "name": first.nom}
    if first.site:
        profile["url"] = first.site
    if first.siret:
        profile["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": first.siret, "identifierType": "ext:SIRET"}]
    return profile


def achievement(cert: Certification, bloc: Bloc | None = None) -> dict:
    """The Achievement of a bloc, or of the whole certification (bloc=None), as a JSON-LD document."""
    ids = CaseNodes(cert)
    out = {
        "@context": CONTEXT,
        "id": absolute(cert, badge_path(bloc), "badge", bloc.code[-4:] if bloc else "certification"),
        "type": ["Achievement"],
    }
    if bloc is None:
        out |= {
            "achievementType": "Certification",
            "name": cert.intitule,
            "description": _certification_description(cert),
            "criteria": {"narrative": _certification_narrative(cert)},
        }
        if cert.code_rncp:
            out["humanCode"] = cert.code_rncp
        alignment = [_case(ids.bloc(b), cert.intitule) for b in cert.blocs]
    else:
        code = full_code(cert, bloc)
        out |= {
            "achievementType": "MicroCredential",
            "name": f"{code} — {bloc.intitule}",
            "description": f"Bloc de compétences {code} de la certification « {cert.intitule} » "
                           f"(niveau {cert.niveau}) : {bloc.intitule}.",
            "criteria": {"narrative": _bloc_narrative(cert, bloc)},
            "humanCode": code,
        }
        alignment = [_case(ids.bloc(bloc), cert.intitule)]
        alignment += [_case(ids.competence(bloc, c), cert.intitule) for c in bloc.competences]
        alignment += [_outside(a) for c in bloc.competences for a in c.alignements if a.referentiel]
    if cert.code_rncp:
        alignment.append({
            "type": ["Alignment"], "targetType": "ext:FicheRNCP", "targetName": f"Fiche {cert.code_rncp} (France compétences)",
            "targetUrl": fiche_url(cert.code_rncp), "targetCode": full_code(cert, bloc) if bloc else cert.code_rncp,
            "targetFramework": "RNCP",
        })
    out |= {"alignment": alignment, "creator": issuer(cert), "inLanguage": "fr", "version": cert.version}
    return out


def achievements(cert: Certification) -> list[tuple[str, dict]]:
    """(path in the site, achievement) of the certification, then of each bloc."""
    return [(badge_path(None), achievement(cert))] + [(badge_path(b), achievement(cert, b)) for b in cert.blocs]


def badge_files(cert: Certification) -> list[tuple[str, bytes]]:
    """The site's badges/ folder: one JSON-LD file per achievement."""
    return [(path, dumps(a)) for path, a in achievements(cert)]


def dumps(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _case(node, framework: str) -> dict:
    return {
        "type": ["Alignment"], "targetType": "CFItem", "targetCode": node.identifier, "targetName": node.title,
        "targetUrl": node.uri, "targetFramework": framework,
    }


def _outside(a) -> dict:
    node = alignment_node(a)
    return {
        "type": ["Alignment"], "targetType": node.target_type, "targetCode": a.code, "targetName": node.title,
        "targetUrl": node.uri, "targetFramework": a.nom_referentiel,
    }


def _certification_description(cert: Certification) -> str:
    registered = f", enregistrée au RNCP sous le code {cert.code_rncp}" if cert.code_rncp else ""
    makers = ", ".join(c.nom for c in cert.certificateurs)
    return f"Certification professionnelle « {cert.intitule} », niveau {cert.niveau}{registered}, délivrée par {makers}."


def _certification_narrative(cert: Certification) -> str:
    lines = [f"Le titulaire a validé chacun des {plural(len(cert.blocs), 'bloc')} de compétences de la certification :", ""]
    lines += [f"- {full_code(cert, b)} — {b.intitule}" for b in cert.blocs]
    return "\n".join(lines)


def _bloc_narrative(cert: Certification, bloc: Bloc) -> str:
    lines = ["Le titulaire a validé ce bloc devant le jury, au vu de l'ensemble de ses épreuves.", "", "Compétences évaluées :", ""]
    lines += [f"- {c.id} {c.texte}" for c in bloc.competences]
    lines += ["", "Épreuves :", ""]
    lines += [f"- {m.titre} ({m.duree})" for m in bloc.modalites]
    lines += ["", f"Règle de décision : {regle_decision(cert.echelle)}"]
    return "\n".join(lines)


# --- credentials --------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Who receives a credential: the fields of a session's candidate, plus what identifies them elsewhere."""

    nom: str
    prenom: str = ""
    numero: str = ""  # the candidate's number in the session
    courriel: str = ""  # hashed (salted SHA-256) in the credential
    id: str = ""  # a URI the holder controls (did:…), when they have one

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}".strip()


def credential(
    holder: Holder,
    achievement: dict,
    issued: dt.datetime | dt.date,
    key: Ed25519PrivateKey | Path | str | None = None,
    *,
    issuer_profile: dict | None = None,
) -> dict:
    """The OpenBadgeCredential awarding `achievement` to `holder` on `issued` (a date, or an aware datetime).

    Unsigned without a key; with one (a key, or the path of its file), signed with a
    DataIntegrityProof (eddsa-rdfc-2022) whose verificationMethod is the issuer's id
    followed by « #<public key> ». The issuer is the achievement's creator unless given.
    Same arguments, same bytes.
    """
    when = _datetime(issued)
    profile = issuer_profile or achievement.get("creator")
    if not profile:
        raise ValueError("l'émetteur n'est pas connu : passez issuer_profile, ou un achievement qui a un « creator »")
    subject_key = holder.id or holder.numero or holder.courriel or holder.nom_complet
    if not subject_key:
        raise ValueError("un titulaire sans nom, numéro, courriel ni identifiant ne peut pas recevoir de badge")
    ident = f"urn:uuid:{stable_uuid(achievement['id'], 'credential', f'{subject_key}|{when}')}"
    subject: dict = {"type": ["AchievementSubject"]}
    if holder.id:
        subject["id"] = holder.id
    identifiers = _identity(holder, ident)
    if identifiers:
        subject["identifier"] = identifiers
    subject["achievement"] = {k: v for k, v in achievement.items() if k != "@context"}
    document = {
        "@context": CONTEXT,
        "id": ident,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile,
        "validFrom": when,
        "awardedDate": when,
        "name": achievement["name"],
        "credentialSubject": subject,
        "credentialSchema": [SCHEMA],
    }
    if key is None:
        return document
    from . import integrity  # pyld and cryptography load only when a credential is signed

    private = key if not isinstance(key, (str, Path)) else integrity.load_key(Path(key))
    method = f"{profile['id']}#{integrity.public_multibase(private.public_key())}"
    return integrity.sign(document, private, method, when)


def _who(holder: Holder) -> str:
    """A holder in their credentials' file names: their number, their name only when they have none."""
    return slug(holder.numero, default="") or slug(holder.nom_complet, default="titulaire")


def file_names(cert: Certification, holder: Holder) -> list[str]:
    """Every credential file `credentials_for` may give a holder: one per bloc, one for the certification."""
    who = _who(holder)
    return [_file(who, short_code(b.code).upper()) for b in cert.blocs] + [_file(who, "certification")]


def _file(who: str, code: str) -> str:
    return f"badge-{who}-{slug(code)}.json"


def credentials_for(
    cert: Certification,
    holder: Holder,
    blocs_valides: Iterable[str | Bloc],
    issued: dt.datetime | dt.date,
    key: Ed25519PrivateKey | Path | str | None = None,
) -> list[tuple[str, bytes]]:
    """A holder's credentials after a jury, as (file name, JSON-LD bytes): one per validated bloc, in the
    certification's order, then one for the certification when every bloc is validated.

    `blocs_valides`: the blocs' codes (BC01, or RNCP12345BC01) or the blocs. Unsigned without
    `key`, signed with it (a key, or the path of its file, read once). File names carry the
    candidate's number (badge-12-bc01.json), their name only when they have none. Same arguments,
    same bytes: the dates are given, the identifiers derived.
    """
    known = {short_code(b.code).upper(): b for b in cert.blocs}
    wanted = {short_code(b.code if isinstance(b, Bloc) else str(b).strip()).upper() for b in blocs_valides}
    unknown = sorted(wanted - set(known))
    if unknown:
        raise ValueError(f"bloc(s) inconnu(s) : {', '.join(unknown)} ; blocs de la certification : {', '.join(known)}")
    if isinstance(key, (str, Path)):
        from . import integrity

        key = integrity.load_key(Path(key))
    who = _who(holder)
    out = [
        (_file(who, code), dumps(credential(holder, achievement(cert, bloc), issued, key)))
        for code, bloc in known.items() if code in wanted
    ]
    if known and wanted == set(known):
        out.append((_file(who, "certification"), dumps(credential(holder, achievement(cert), issued, key))))
    return out


def _identity(holder: Holder, credential_id: str) -> list[dict]:
    out = []
    if holder.nom_complet:
        out.append({"type": "IdentityObject", "hashed": False, "identityHash": holder.nom_complet, "identityType": "name"})
    if holder.numero:
        out.append({"type": "IdentityObject", "hashed": False, "identityHash": holder.numero, "identityType": "sourcedId"})
    if holder.courriel:
        salt = hashlib.sha256(credential_id.encode()).hexdigest()[:16]
        digest = hashlib.sha256((holder.courriel.strip().lower() + salt).encode()).hexdigest()
        out.append({"type": "IdentityObject", "hashed": True, "identityHash": f"sha256${digest}", "identityType": "emailAddress", "salt": salt})
    return out


def _datetime(when: dt.datetime | dt.date) -> str:
    """RFC 3339 in UTC with Z, as Verifiable Credentials 2.0 want it."""
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:
            raise ValueError("date et heure sans fuseau horaire : précisez-le (par exemple UTC)")
        return when.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{when.isoformat()}T00:00:00Z"

