"""`dossier diff --ecrire`: the correspondances a comparison proposes, written into the new version's
certification.yaml for the author to review.

The file is edited in place (yaml_rt.py): its comments, key order and quoting stay; only
`correspondances:` and `renouvellement:` change. `renouvellement:` gets the previous version's code
and its blocs (`blocs_precedents`: what `dossier check` needs to say that every old bloc has a
decision, and the tableau its titles). Each proposed entry carries `proposee: true` — `dossier check`
warns until the author, having reviewed it, removes that line — and, as comments, the score of each
competence link it rests on.

An entry without `proposee: true` is the author's: a proposal about the same blocs (the same old
blocs and the same new ones, or an « aucune » about the same old bloc) does not replace it without
`force`. Proposals left by an earlier run are replaced, or removed when no longer made. The result
is checked on a copy of the project (update.py) and written only if that brings no new error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..checks import check
from ..errors import DossierError
from ..sources.champs import short_code
from ..sources.load import CERTIFICATION_FILE
from ..sources.model import Correspondance
from ..versions.changes import percent
from ..versions.compare import Comparison
from .update import Update, staged
from .yaml_rt import load, plain


@dataclass
class Written:
    """What --ecrire did, in words, and the update (written or to write)."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # the author's entries a proposal would have replaced
    removed: list[str] = field(default_factory=list)  # earlier proposals no longer made
    update: Update | None = None


def describe(entry) -> str:
    """« BC01 → BC01, BC05 (totale) » for an entry, as plain data or as a model object."""
    get = entry.get if isinstance(entry, dict) else lambda k, d=None: getattr(entry, k, d)
    olds = ", ".join(map(str, get("blocs_fiche") or ())) or "la certification entière"
    news = ", ".join(map(str, get("blocs") or ())) or ("aucun bloc" if get("type") == "aucune" else "la certification entière")
    return f"{olds} → {news} ({get('type') or 'type non précisé'})"


def _codes(values) -> set[str]:
    return {short_code(str(v)) for v in values or ()}


def _conflict(entry: dict, p: Correspondance) -> bool:
    """Does an entry of the file decide what proposal p decides (same other certification and old blocs,
    and the same new blocs or an « aucune » on either side)?"""
    if str(entry.get("fiche", "")) != p.fiche or not (_codes(entry.get("blocs_fiche")) & _codes(p.blocs_fiche)):
        return False
    return bool(_codes(entry.get("blocs")) & _codes(p.blocs)) or "aucune" in (entry.get("type"), p.type)


def _flow(items) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _entry(p: Correspondance, scores: dict[tuple[str, str], float]) -> CommentedMap:
    out = CommentedMap()
    out["fiche"] = p.fiche
    out["blocs_fiche"] = _flow(p.blocs_fiche)
    if p.blocs:
        out["blocs"] = _flow(p.blocs)
    out["type"] = p.type
    if p.competences:
        comps = CommentedMap()
        column = 8 + max(len(k) + len(", ".join(v)) for k, v in p.competences.items()) + 2
        for new, olds in p.competences.items():
            comps[new] = _flow(olds)
            comps.yaml_add_eol_comment("ressemblance " + ", ".join(f"{percent(scores.get((o, new), 0))}" for o in olds), new, column)
        out["competences"] = comps
    if p.notes:
        out["notes"] = p.notes
    out["proposee"] = True
    return out


def _renouvellement(data: CommentedMap, c: Comparison) -> None:
    current = data.get("renouvellement")
    code = current.get("code") if isinstance(current, dict) else current
    if code and str(code) != c.fiche:
        raise DossierError(
            f"{CERTIFICATION_FILE} : renouvellement: {code}, mais la version précédente a le code {c.fiche} ; "
            "corrigez l'un des deux (ou donnez le bon avec --code)"
        )
    blocs = CommentedMap((code, title) for code, title in c.old_blocs)
    if isinstance(current, dict):
        if str(current.get("code", "")) != c.fiche:
            current["code"] = c.fiche
        if plain(current.get("blocs_precedents")) != plain(blocs):
            current["blocs_precedents"] = blocs
        return
    value = CommentedMap([("code", c.fiche), ("blocs_precedents", blocs)])
    data["renouvellement"] = value
    if current is None:
        data.yaml_set_comment_before_after_key(
            "renouvellement", before="Renouvellement : la version précédente et ses blocs (écrit par dossier diff --ecrire).", indent=0)


def propose_into(folder: Path, c: Comparison, force: bool = False) -> Written:
    """Bring the proposals into folder/certification.yaml, in memory, and check the result on a copy."""
    if not c.fiche:
        raise DossierError(
            "le code RNCP de la version précédente est inconnu (ni code_rncp dans ses sources, ni renouvellement: "
            "dans celles-ci) : donnez-le avec --code RNCPnnnnn"
        )
    before = check(folder)
    if before.certification is None:
        raise DossierError(f"{folder} : les sources ne se lisent pas ; corrigez-les d'abord (dossier check {folder})")
    doc = load(Path(folder), CERTIFICATION_FILE)
    data = doc.data
    _renouvellement(data, c)
    seq = data.get("correspondances")
    if not isinstance(seq, list):
        seq = CommentedSeq()
        data["correspondances"] = seq
        data.yaml_set_comment_before_after_key(
            "correspondances", before="Tableau de correspondance : proposé par dossier diff --ecrire, à relire.", indent=0)
    done = Written()
    scores = {(lk.old, lk.new): lk.score for lk in c.competences.links}
    items = list(seq)
    plains = [plain(e) if isinstance(e, dict) else {} for e in items]
    dropped: set[int] = set()
    decided: set[int] = set()  # entries a proposal was about (kept or replaced)
    inserts: dict[int, list] = {}  # position in the old list → new entries written there
    for p in c.proposals:
        entry = _entry(p, scores)
        clashing = [i for i, e in enumerate(plains) if i not in dropped and _conflict(e, p)]
        decided.update(clashing)
        theirs = [i for i in clashing if not plains[i].get("proposee")]
        if theirs and not force:
            done.kept += [describe(plains[i]) for i in theirs]
            continue
        if len(clashing) == 1 and plains[clashing[0]] == plain(entry):
            continue  # proposed before, and the same now
        dropped.update(clashing)
        done.replaced += [describe(plains[i]) for i in clashing]
        if not clashing:
            done.added.append(describe(p))
        inserts.setdefault(clashing[0] if clashing else len(items), []).append(entry)
    for i, e in enumerate(plains):  # earlier proposals that no proposal makes again
        if i not in decided and e.get("proposee") and str(e.get("fiche", "")) == c.fiche:
            dropped.add(i)
            done.removed.append(describe(e))
    kept = []
    for i, item in enumerate(items):
        kept += inserts.get(i, [])
        if i not in dropped:
            kept.append(item)
    kept += inserts.get(len(items), [])
    if kept != items:
        seq.clear()
        seq.extend(kept)
    text = doc.dump()
    done.update = staged(Path(folder), {CERTIFICATION_FILE: text} if text != (doc.raw or doc.text) else {}, before)
    return done
