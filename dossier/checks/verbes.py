"""Is a sentence built on a conjugated verb? The form of a criterion, read without a grammar.

A criterion states a result the jury observes (« Les objectifs sont formulés… »,
« Le plan respecte… »): it has a conjugated verb. « Synthèse des résultats » has
none; « Définir un budget » is a competence's form (an infinitive). The reading
is deliberately simple: the finite forms of the common irregular verbs and
auxiliaries, and the present tense of the verbs of a shipped lexicon
(`data/verbes.txt`) when the word follows its subject — never first, never right
after an article or a preposition, where the same word is a noun (« l'analyse »,
« le compte »).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..text import fold

# Auxiliaries, modals and the irregular verbs criteria use, at the 3rd person (present, future, past).
FINITE = set("""
est sont sera seront était étaient soit soient fut furent a ont aura auront avait avaient ait aient
fait font fera feront peut peuvent pourra pourront doit doivent devra devront va vont sait savent
permet permettent prend prennent met mettent tient tiennent vient viennent obtient obtiennent maintient
maintiennent contient contiennent retient retiennent répond répondent rend rendent produit produisent
conduit conduisent construit construisent décrit décrivent écrit écrivent transcrit lit lisent dit disent
voit voient prévoit prévoient reçoit reçoivent conçoit conçoivent connaît connaissent reconnaît
reconnaissent comprend comprennent entreprend entreprennent apprend apprennent reprend reprennent suit
suivent poursuit poursuivent résout résolvent atteint atteignent choisit choisissent définit définissent
établit établissent inscrit inscrivent réunit réunissent remplit remplissent garantit garantissent fournit fournissent agit
agissent réagit réagissent interagit interagissent réussit réussissent saisit saisissent investit
investissent rejoint rejoignent joint joignent ouvre ouvrent offre offrent couvre couvrent découvre
découvrent sert servent part partent sort sortent acquiert acquièrent vit vivent croit croient conclut
concluent inclut incluent exclut excluent suffit suffisent vaut valent faut émet émettent transmet
transmettent soumet soumettent remet remettent intervient interviennent traduit traduisent réduit
réduisent introduit introduisent déduit déduisent reproduit reproduisent élargit élargissent enrichit
enrichissent approfondit approfondissent convainc convainquent
""".split())

# Finite forms that are also common nouns (« le produit », « une part », « un écrit »): a verb only
# when a word follows (« la fiche produit. » is a noun).
_AMBIGUOUS = {"produit", "produits", "fait", "faits", "part", "sort", "ecrit", "offre", "offres", "dit", "conduit", "vit", "sert", "suit"}

# After these, a word is a noun (or an infinitive), not a conjugated verb.
_NOUN_BEFORE = set("""
le la les l un une des du de d au aux ce cet cette ces son sa ses leur leurs mon ma mes notre nos votre vos
chaque tout toute tous toutes quelques plusieurs à en par pour sur sous avec dans sans entre vers chez selon
contre parmi après avant depuis pendant
""".split())

# Words ending like a verb that are not one, at the start of a competence or criterion.
_NOT_VERBS = {
    "lecture", "culture", "structure", "procédure", "mesure", "ouverture", "écriture", "gestionnaire",
    "partenaire", "dossier", "fournisseur", "premier", "dernier", "entier", "particulier", "métier",
    "leur", "notre", "votre", "autre", "chaque", "entre", "contre", "sur", "pour", "par",
}

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """The shipped verbs, folded (« élaborer » → « elaborer »)."""
    text = (Path(__file__).parent / "data" / "verbes.txt").read_text(encoding="utf-8")
    return frozenset(fold(w) for line in text.splitlines() if not line.startswith("#") for w in line.split())


_FINITE = frozenset(fold(w) for w in FINITE)


def _words(text: str) -> list[str]:
    """Lower-case words, accents kept (« à » is not « a »), elisions split: « l’analyse » → l, analyse."""
    return _WORD.findall(text.lower())


def _present_of_lexicon(word: str) -> bool:
    """« respecte », « corrigent », « appuie », « choisit »: the present of a verb of the lexicon."""
    verbs, w = lexicon(), fold(word)
    if w.endswith(("ee", "ees", "ment")):  # participles (« adaptée »), adverbs
        return False
    stems = set()
    if w.endswith("issent"):
        stems.add(w[:-6] + "i")  # choisissent → choisi-r
    if w.endswith("ent"):
        stems.add(w[:-3])  # corrigent → corrig-er
    elif w.endswith("e"):
        stems.add(w[:-1])  # respecte → respect-er
    elif w.endswith("it"):
        stems.add(w[:-1])  # choisit → choisi-r
    for stem in stems:
        if {stem + "er", stem + "r"} & verbs:
            return True
        if stem.endswith("i") and stem[:-1] + "yer" in verbs:  # appuie → appuyer
            return True
    return False


def has_finite_verb(text: str) -> bool:
    """Does the sentence have a conjugated verb after its subject?"""
    words = _words(text)
    for i, word in enumerate(words):
        if i == 0 or words[i - 1] in _NOUN_BEFORE:
            continue  # first, or after an article or a preposition: a noun (or an order), not a result stated
        folded = fold(word)
        if word != "à" and folded in _FINITE and (folded not in _AMBIGUOUS or i < len(words) - 1):
            return True
        if _present_of_lexicon(word):
            return True
    return False


def starts_with_infinitive(text: str) -> bool:
    """« Analyser le marché », « S’assurer du respect… »: the form of a competence."""
    words = re.findall(r"[\w’'-]+", text)
    if not words:
        return False
    first = words[0].lower()
    if first in {"se", "s'", "s’"} or first.startswith(("s'", "s’")):
        first = first[2:] if len(first) > 2 else (words[1].lower() if len(words) > 1 else "")
    return first not in _NOT_VERBS and bool(re.search(r"(?:er|ir|ïr|re|oir)$", first))
