"""Import a framework from a 1EdTech CASE package (JSON): its blocs, competences and criteria, and their links.

The hierarchy is read from the `isChildOf` associations: under the
CFDocument, the blocs; under a bloc, its competences; under a competence, its
criteria (a criterion `isRelatedTo` other competences of its bloc evaluates
them too). An item that does not sit under a bloc — a competence right under
the document, an orphan, a fourth level — is reported in IMPORT.md and left
out, never placed by guess. Lenient on what real exports write: unknown keys
(CFDocumentURI…), dates without a time zone, a package wrapped in
{"CFPackage": …}, identifiers in upper case.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

from ..errors import DossierError
from ..exporters.addresses import ROME_COMPETENCE_URL
from ..sources.schema_depot import ID
from ..sources.schema_standards import ESCO_SKILL, ROME_COMPETENCE
from ..text import fold

BLOC_CODE = r"(RNCP\d{3,6})?BC\d{2}"
_ROME_URL = re.escape(ROME_COMPETENCE_URL).replace(re.escape("{code}"), f"({ROME_COMPETENCE})")
_DEFAULT_TITLE = re.compile(r"Compétence (ESCO|ROME 4\.0) .*")
MISSING_FICHE = "niveau, objectifs et contexte, activités visées, emplois accessibles, voies d'accès et jurys, échelle des grilles"


def read(path: Path) -> tuple[dict, list[dict], list[str]]:
    """(certification, blocs, notes) as plain data in the sources' format."""
    package = _load(Path(path))
    return _Reader(package).read()


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DossierError(f"{path} : lecture impossible ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DossierError(f"{path} : ce n'est pas un fichier JSON ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("CFPackage"), dict):
        data = data["CFPackage"]
    if not isinstance(data, dict) or not isinstance(data.get("CFDocument"), dict):
        raise DossierError(f"{path} n'est pas un paquet CASE (CFPackage) : clé « CFDocument » absente")
    return data


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _ident(value) -> str:
    return _text(value).lower()


class _Reader:
    def __init__(self, package: dict):
        self.doc = package["CFDocument"]
        self.doc_id = _ident(self.doc.get("identifier")) or "document"
        self.items = {_ident(i.get("identifier")): i for i in package.get("CFItems") or [] if isinstance(i, dict) and _ident(i.get("identifier"))}
        self.by_uri = {_text(i.get("uri")): k for k, i in self.items.items() if _text(i.get("uri"))}
        self.by_uri[_text(self.doc.get("uri"))] = self.doc_id
        self.children: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
        self.links: dict[str, list[tuple[str, dict, str | None]]] = defaultdict(list)
        for n, a in enumerate(x for x in package.get("CFAssociations") or [] if isinstance(x, dict)):
            kind = _text(a.get("associationType"))
            origin, target = self._node(a.get("originNodeURI")), self._node(a.get("destinationNodeURI"))
            seq = a.get("sequenceNumber")
            if kind == "isChildOf" and origin and target:
                self.children[target].append((seq if isinstance(seq, (int, float)) else float("inf"), n, origin))
            elif origin and isinstance(a.get("destinationNodeURI"), dict):
                self.links[origin].append((kind, a["destinationNodeURI"], target))
        self.rubrics = package.get("CFRubrics") or []
        self.notes: list[str] = []
        self.placed: dict[str, str] = {}  # item → where it was placed
        self.used: set[str] = set()
        self.skipped: set[str] = set()  # items left out and already reported, with everything under them

    def _node(self, link) -> str | None:
        if not isinstance(link, dict):
            return None
        ident = _ident(link.get("identifier"))
        if ident in self.items or ident == self.doc_id:
            return ident
        return self.by_uri.get(_text(link.get("uri")))

    def _kids(self, parent: str) -> list[str]:
        return [child for _, _, child in sorted(self.children.get(parent, []))]

    def _label(self, ident: str) -> str:
        item = self.items[ident]
        code = _text(item.get("humanCodingScheme"))
        statement = " ".join(_text(item.get("fullStatement")).split())
        statement = statement if len(statement) <= 80 else statement[:79] + "…"
        return f"« {code + ' ' if code else ''}{statement} »"

    def _kind(self, ident: str) -> str:
        return fold(_text(self.items[ident].get("CFItemType")))

    def _place(self, ident: str, where: str) -> bool:
        if ident in self.placed:
            self.notes.append(f"- {self._label(ident)} est placé sous {self.placed[ident]} et aussi sous {where} : gardé à la première place seulement.")
            return False
        self.placed[ident] = where
        return True

    def read(self) -> tuple[dict, list[dict], list[str]]:
        blocs = []
        for ident in self._kids(self.doc_id):
            if ident not in self.items:
                continue
            if self._is_bloc(ident):
                if self._place(ident, "le document"):
                    blocs.append(self._bloc(ident, len(blocs) + 1))
            else:
                self.notes.append(f"- {self._label(ident)} est directement sous le document, sans bloc : non importé "
                                  "(à rattacher à un bloc à la main).")
                self._skip(ident)
        for ident in self.items:
            if ident not in self.placed and ident not in self.skipped:
                self.notes.append(f"- {self._label(ident)} n'est rattaché à aucun bloc (aucun lien « isChildOf » ne l'y mène) : non importé.")
        cert = self._certification(blocs)
        self.notes.append("- Un paquet CASE ne décrit ni les activités ni les épreuves : chaque bloc est à doter de ses "
                          "activités et de ses modalités d'évaluation (dossier check les demande).")
        return cert, blocs, self.notes

    def _skip(self, ident: str) -> None:
        """Leave out an item reported already, and everything under it (reported once, with it)."""
        stack = [ident]
        while stack:
            node = stack.pop()
            if node not in self.skipped:
                self.skipped.add(node)
                stack.extend(self._kids(node))

    def _is_bloc(self, ident: str) -> bool:
        kind = self._kind(ident)
        if "bloc" in kind:
            return True
        if re.fullmatch(BLOC_CODE, _text(self.items[ident].get("humanCodingScheme")).upper()):
            return True
        return bool(self._kids(ident)) and not any(w in kind for w in ("competence", "critere", "criterion"))

    def _code(self, wanted: str, pattern: str, fallback: str, what: str) -> str:
        if wanted and re.fullmatch(pattern, wanted) and wanted not in self.used:
            self.used.add(wanted)
            return wanted
        if wanted:
            form = "un code de bloc (BC01, RNCP12345BC01)" if pattern == BLOC_CODE else "un identifiant valide"
            reason = "déjà pris" if wanted in self.used else f"n'est pas {form}"
            self.notes.append(f"- {what} « {wanted} » : {reason}, écrit {fallback}.")
        self.used.add(fallback)
        return fallback

    def _bloc(self, ident: str, n: int) -> dict:
        item = self.items[ident]
        code = self._code(_text(item.get("humanCodingScheme")).upper(), BLOC_CODE, f"BC{n:02d}", "Code de bloc")
        bloc = {"code": code, "intitule": self._statement(ident), "competences": [], "modalites": [], "criteres": []}
        comps: dict[str, str] = {}  # item → competence id
        for child in self._kids(ident):
            if child not in self.items or not self._place(child, f"le bloc {code}"):
                continue
            comp_id = self._code(_text(self.items[child].get("humanCodingScheme")), ID, f"C{n}.{len(comps) + 1}", "Identifiant de compétence")
            comps[child] = comp_id
            bloc["competences"].append(self._competence(child, comp_id))
        criteria = []
        for comp_item, comp_id in comps.items():
            for child in self._kids(comp_item):
                if child in self.items and self._place(child, f"la compétence {comp_id}"):
                    criteria.append((child, comp_id))
        # the bloc's own order of its criteria, when the items number it (listEnumeration); else the tree's
        positions = [self.items[c].get("listEnumeration") for c, _ in criteria]
        if all(isinstance(p, str) and p.isdigit() for p in positions) and len(set(positions)) == len(positions):
            criteria.sort(key=lambda pair: int(self.items[pair[0]]["listEnumeration"]))
        for k, (child, comp_id) in enumerate(criteria, start=1):
            bloc["criteres"].append(self._critere(child, comp_id, comps, n, k))
        return bloc

    def _statement(self, ident: str) -> str:
        item = self.items[ident]
        text = _text(item.get("fullStatement")) or _text(item.get("abbreviatedStatement"))
        if not text:
            self.notes.append(f"- {self._label(ident)} n'a pas d'énoncé : « (à compléter) ».")
        return text or "(à compléter)"

    def _competence(self, ident: str, comp_id: str) -> dict:
        out = {"id": comp_id, "texte": self._statement(ident)}
        if "competence transversale" in (fold(k) for k in self.items[ident].get("conceptKeywords") or [] if isinstance(k, str)):
            out["transversale"] = True
        alignements = [a for a in (self._alignment(ident, kind, link, target) for kind, link, target in self.links.get(ident, [])) if a]
        if alignements:
            out["alignements"] = alignements
        return out

    def _alignment(self, ident: str, kind: str, link: dict, target: str | None) -> dict | None:
        if kind not in ("exactMatchOf", "isRelatedTo") or target is not None:
            if target is None:
                self.notes.append(f"- Lien « {kind} » de {self._label(ident)} vers « {_text(link.get('title'))} » non repris.")
            return None
        uri, code = _text(link.get("uri")), _text(link.get("identifier"))
        title = _text(link.get("title"))
        found = None
        if re.fullmatch(ESCO_SKILL, uri):
            found = {"esco": uri}
        elif m := re.fullmatch(_ROME_URL, uri):
            found = {"rome": m.group(1)}
        elif _text(link.get("targetType")) == "ext:ROME" and re.fullmatch(ROME_COMPETENCE, code):
            found = {"rome": code}
        if found is None:
            self.notes.append(f"- Lien « {kind} » de {self._label(ident)} vers « {title or uri} » ({uri}) : ni ESCO ni ROME 4.0, non repris.")
            return None
        if title and not _DEFAULT_TITLE.fullmatch(title):
            found["libelle"] = " ".join(title.split())
        if kind == "exactMatchOf":
            found["exacte"] = True
        return found

    def _critere(self, ident: str, comp_id: str, comps: dict[str, str], n: int, k: int) -> dict:
        crit_id = self._code(_text(self.items[ident].get("humanCodingScheme")), ID, f"CR{n}.{k}", "Identifiant de critère")
        evaluated = [comp_id]
        for kind, _link, target in self.links.get(ident, []):
            if kind == "isRelatedTo" and target in comps and comps[target] not in evaluated:
                evaluated.append(comps[target])
            elif kind == "isRelatedTo" and target in self.items:
                self.notes.append(f"- Le critère {crit_id} est lié à {self._label(target)}, hors de son bloc : lien non repris.")
        for child in self._kids(ident):
            if child in self.items:
                self.notes.append(f"- {self._label(child)} est sous le critère {crit_id} (un quatrième niveau) : non importé.")
                self._skip(child)
        return {"id": crit_id, "texte": self._statement(ident), "competences": evaluated}

    def _certification(self, blocs: list[dict]) -> dict:
        doc = self.doc
        cert: dict = {"intitule": _text(doc.get("title")) or "(à compléter)"}
        source = re.search(r"/rncp/(\d{3,6})\b", _text(doc.get("officialSourceURL")))
        prefixes = {m.group(1) for b in blocs if (m := re.match(r"(RNCP\d+)BC", b["code"]))}
        if source:
            cert["code_rncp"] = f"RNCP{source.group(1)}"
        elif len(prefixes) == 1:
            cert["code_rncp"] = prefixes.pop()
        niveau = re.search(r"\bniveau\s+([3-8])\b", _text(doc.get("notes")), re.IGNORECASE)
        if niveau:
            cert["niveau"] = int(niveau.group(1))
        maker = _text(doc.get("creator")) or _text(doc.get("publisher"))
        cert["certificateurs"] = [{"nom": maker or "(à compléter)"}]
        cert["version"] = _text(doc.get("version")) or "1.0"
        day = _date(doc.get("statusStartDate")) or _date(doc.get("lastChangeDateTime"))
        if day:
            cert["date"] = day
        echelle = self._scale()
        if echelle:
            cert["echelle"] = echelle
        missing = [f for f in MISSING_FICHE.split(", ") if not (f == "niveau" and niveau) and not (f.startswith("échelle") and echelle)]
        missing += [] if day else ["date de la version"]
        self.notes.insert(0, f"- La fiche n'est pas dans un paquet CASE : à écrire dans certification.yaml : {', '.join(missing)} "
                             "(dossier check signale chacun).")
        return cert

    def _scale(self) -> dict | None:
        """The grids' scale, when the rubrics' levels say it (acquis / non acquis, or three levels)."""
        for rubric in self.rubrics:
            for criterion in (rubric.get("CFRubricCriteria") or []) if isinstance(rubric, dict) else []:
                levels = [fold(_text(lv.get("quality"))) for lv in criterion.get("CFRubricCriterionLevels") or [] if isinstance(lv, dict)]
                if levels == ["acquis", "non acquis"]:
                    return {"type": "acquis_non_acquis"}
                if levels == ["acquis", "partiellement acquis", "non acquis"]:
                    return {"type": "trois_niveaux"}
                return None
        return None


def _date(value) -> str:
    """The day of a CASE date or date-time, with or without a time zone ('' if unreadable)."""
    found = re.match(r"(\d{4}-\d{2}-\d{2})", _text(value))
    if not found:
        return ""
    try:
        return dt.date.fromisoformat(found.group(1)).isoformat()
    except ValueError:
        return ""
