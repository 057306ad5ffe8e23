"""An XML file checked against an XSD the user provides, with lxml: messages in French, by line, never quoting a value.

The exports a certificateur sends to an administration (the Caisse des Dépôts'
accrochage) are checked against that administration's own schema before they
leave. lxml's messages are in English and repeat the faulty value, which may
be personal data: here they are said in French, the value left out, and the
record (a passage) named by its identifier, or by what the caller maps it to.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from pathlib import Path

from lxml import etree


def validate(xml: bytes, xsd_path: Path | str, *, namespace: str = "", prefix: str = "", record: tuple[str, str] | None = None,
             names: Mapping[str, str] | None = None, record_label: str = "enregistrement") -> list[str]:
    """[] when `xml` is valid against the schema, else « ligne N : [who : ]message » for each error.

    `record` = (element, child holding its identifier): an error inside one names it, as
    `names[identifier]` when given, else « record_label identifier ».
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        schema = etree.XMLSchema(etree.parse(str(xsd_path), parser))
    except OSError as exc:
        return [f"{xsd_path} : lecture du schéma impossible ({getattr(exc, 'strerror', None) or exc})"]
    except etree.XMLSyntaxError as exc:
        return [f"{xsd_path}:{exc.lineno} : le schéma n'est pas du XML lisible ({exc.msg})"]
    except etree.XMLSchemaParseError as exc:
        return [f"{xsd_path} : ce n'est pas un schéma XSD utilisable ({french(str(exc), namespace, prefix)})"]
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [f"ligne {exc.lineno} : XML mal formé ({exc.msg})"]
    if schema.validate(root):
        return []
    starts: list[int] = []
    who: list[str] = []
    if record:
        tag, ident_tag = (f"{{{namespace}}}{t}" if namespace else t for t in record)
        for element in root.iter(tag):
            ident = (element.findtext(ident_tag) or "").strip() or "?"
            starts.append(element.sourceline)
            who.append((names or {}).get(ident) or f"{record_label} {ident}")
    out = []
    for error in schema.error_log:
        at = bisect.bisect_right(starts, error.line) - 1
        out.append(f"ligne {error.line} : {who[at] + ' : ' if at >= 0 else ''}{french(error.message, namespace, prefix)}")
    return out


_FRENCH = (
    (r"Element '([^']+)': ", r"élément \1 : "),
    (r"\[facet 'maxLength'\] The value has a length of '(\d+)'; this exceeds the allowed maximum length of '(\d+)'\.",
     r"\1 caractères, au plus \2 permis"),
    (r"\[facet 'minLength'\] The value has a length of '(\d+)'; this underruns the allowed minimum length of '(\d+)'\.",
     r"\1 caractère(s), au moins \2 attendu(s)"),
    (r"\[facet 'length'\] The value has a length of '(\d+)'; this differs from the allowed length of '(\d+)'\.",
     r"\1 caractère(s), exactement \2 attendu(s)"),
    (r"\[facet 'enumeration'\] The value '[^']*' is not an element of the set \{([^}]*)\}\.", r"valeur hors de la liste permise (\1)"),
    (r"\[facet 'pattern'\] The value '[^']*' is not accepted by the pattern '[^']*'\.", "valeur de forme non permise"),
    (r"\[facet 'minInclusive'\] The value '[^']*' is less than the minimum value allowed \('([^']*)'\)\.", r"valeur inférieure au minimum (\1)"),
    (r"\[facet 'maxInclusive'\] The value '[^']*' is greater than the maximum value allowed \('([^']*)'\)\.", r"valeur supérieure au maximum (\1)"),
    (r"'[^']*' is not a valid value of the (?:atomic|local atomic) type '([^']*)'\.", r"valeur qui n'est pas du type \1"),
    (r"'[^']*' is not a valid value of the (?:atomic|local atomic) type\.", "valeur qui n'est pas du type attendu"),
    (r"This element is not expected\. Expected is one of \( ([^)]*) \)\.", r"élément inattendu à cette place ; attendu : l'un de \1"),
    (r"This element is not expected\. Expected is \( ([^)]*) \)\.", r"élément inattendu à cette place ; attendu : \1"),
    (r"This element is not expected\.", "élément inattendu à cette place"),
    (r"Missing child element\(s\)\. Expected is one of \( ([^)]*) \)\.", r"élément manquant : l'un de \1"),
    (r"Missing child element\(s\)\. Expected is \( ([^)]*) \)\.", r"élément manquant : \1"),
    (r"The element is not 'nillable'\.", "élément qui ne peut pas être vide (xsi:nil)"),
    (r"Character content other than whitespace is not allowed because the content type is 'element-only'\.",
     "texte interdit ici : cet élément ne contient que des éléments"),
    (r"No matching global declaration available for the validation root\.", "élément racine inconnu du schéma"),
)


def french(message: str, namespace: str = "", prefix: str = "") -> str:
    """lxml's message in French, elements as prefix:name, values never repeated."""
    text = message.strip()
    if namespace:
        text = text.replace(f"{{{namespace}}}", f"{prefix}:" if prefix else "")
    for pattern, said in _FRENCH:
        text = re.sub(pattern, said, text)
    return re.sub(r"[Tt]he value '[^']*'", "la valeur", text)
