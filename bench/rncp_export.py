"""A synthetic open-data export, made from the 12 real fiches of the sample, with passages planted.

Fiche after fiche, a real fiche is copied under a new number (RNCP9nnnnn, its
blocs renumbered alike) and the words of its blocs (titles, competences,
modalités) are varied — about one word in five replaced by another word of the
sample, drawn from a seeded generator — so that the copies do not repeat one
another and the index grows as it would on the real register. The rest of each
fiche (partners, juries, texts) is kept as published: it is what the reader
has to stream past. In fiches spread evenly through the file, one competence
of the example is added to the first bloc's list: the bench checks that each is
found, in its fiche, and that nothing else is.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "rncp" / "export_fiches_RNCP_V4_1_sample.xml"
VERSION = 1  # of this generator: an export made by an older one is made again

_FIELDS = re.compile(r"<(LIBELLE|LISTE_COMPETENCES|MODALITES_EVALUATION)>(.*?)</\1>", re.S)
_BLOCS = re.compile(r"<BLOCS_COMPETENCES>.*?</BLOCS_COMPETENCES>", re.S)


@dataclass(frozen=True)
class Plant:
    fiche: str  # the synthetic fiche's number
    keypath: str  # where the text is in the example's sources (for the check's findings)
    text: str


def _fiches(sample: str) -> list[tuple[str, str]]:
    """(number, the fiche's XML) for each fiche of the sample."""
    out = []
    for chunk in re.findall(r"<FICHE>.*?</FICHE>", sample, flags=re.S):
        number = re.search(r"<NUMERO_FICHE>(.*?)</NUMERO_FICHE>", chunk).group(1)
        out.append((number, chunk))
    return out


def _vocabulary(sample: str) -> list[str]:
    words = set()
    for _tag, text in _FIELDS.findall(sample):
        words.update(w for w in html.unescape(text).split() if w.isalpha())
    return sorted(words)


def _vary(chunk: str, number: str, new: str, rng: random.Random, vocabulary: list[str]) -> str:
    def vary_field(m: re.Match) -> str:
        words = html.unescape(m.group(2)).split(" ")
        for i in range(len(words)):
            if words[i] and words[i] != "*" and rng.random() < 0.2:
                words[i] = rng.choice(vocabulary)
        return f"<{m.group(1)}>{escape(' '.join(words))}</{m.group(1)}>"

    chunk = chunk.replace(f"<NUMERO_FICHE>{number}</NUMERO_FICHE>", f"<NUMERO_FICHE>{new}</NUMERO_FICHE>")
    chunk = chunk.replace(f"<CODE>{number}BC", f"<CODE>{new}BC")
    return _BLOCS.sub(lambda b: _FIELDS.sub(vary_field, b.group(0)), chunk)


def _plant(chunk: str, text: str) -> str:
    return chunk.replace("<LISTE_COMPETENCES>", f"<LISTE_COMPETENCES>* {escape(text)}      ", 1)


def synthesize(dest: Path, megabytes: int, texts: list[tuple[str, str]], seed: int = 17) -> list[Plant]:
    """Write an export of about `megabytes` MB to dest; plant each (keypath, text) once, evenly spread."""
    sample = SAMPLE.read_text(encoding="utf-8")
    originals = [(n, c) for n, c in _fiches(sample) if "<LISTE_COMPETENCES>" in c]
    vocabulary = _vocabulary(sample)
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    average = sum(len(c.encode()) for _n, c in originals) / len(originals)
    count = max(len(texts) + 1, int(target / average))
    every = count // (len(texts) + 1)
    plants: list[Plant] = []
    written = 0
    with open(dest, "w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<FICHES>\n  <VERSION_FLUX>4.1</VERSION_FLUX>\n  ')
        i = 0
        while written < target or i < count:
            number, chunk = originals[i % len(originals)]
            new = f"RNCP9{i:05d}"
            chunk = _vary(chunk, number, new, rng, vocabulary)
            slot = (i + 1) // every - 1 if every and (i + 1) % every == 0 else -1
            if 0 <= slot < len(texts):
                keypath, text = texts[slot]
                chunk = _plant(chunk, text)
                plants.append(Plant(new, keypath, text))
            out.write(chunk)
            out.write("\n  ")
            written += len(chunk.encode())
            i += 1
        out.write("\n</FICHES>\n")
    if len(plants) != len(texts):
        raise RuntimeError(f"{len(plants)} passages plantés sur {len(texts)}")
    return plants
