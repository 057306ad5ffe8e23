"""The export's index on disk: its buckets sorted in bounded memory, its lookups exact."""

from __future__ import annotations

import random
from array import array

from dossier.checks.passages import K, WordValues, shingle_hashes, window, winnow
from dossier.pipeline.rncp_index import _sorted


def test_a_big_bucket_is_sorted_like_a_small_one():
    rng = random.Random(1)
    top = rng.randrange(-128, 128)
    pairs = array("q")
    for i in range(20_000):  # over the size split by the second byte
        pairs.extend(((top << 56) | rng.getrandbits(56), i))
    hashes, blocs = _sorted(pairs)
    expected = sorted(zip(pairs[0::2], pairs[1::2]))
    assert list(hashes) == [h for h, _ in expected]
    assert list(blocs) == [b for _, b in expected]


def test_winnowing_keeps_a_shingle_of_every_long_enough_common_passage():
    """Whatever surrounds it, a passage of `minimum` words shared by two texts has a selected shingle in both."""
    rng = random.Random(7)
    vocabulary = [f"mot{i}" for i in range(300)]
    values = WordValues()
    minimum = 12
    w = window(K, minimum)
    for _ in range(200):
        passage = rng.choices(vocabulary, k=minimum)
        text = rng.choices(vocabulary, k=rng.randrange(0, 40)) + passage + rng.choices(vocabulary, k=rng.randrange(0, 40))
        selected = winnow(shingle_hashes(values(text), K), w)
        assert selected & set(shingle_hashes(values(passage), K))


def test_shingle_hashes_are_stable_from_one_process_to_the_next():
    """The index is kept on disk: a word's hash must not depend on the process (str hashes are salted)."""
    import subprocess
    import sys

    code = "from dossier.checks.passages import WordValues, shingle_hashes; print(shingle_hashes(WordValues()('un deux trois quatre cinq six sept huit neuf'.split())))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(2)}
    assert len(runs) == 1
    assert runs.pop().strip() == str(shingle_hashes(WordValues()("un deux trois quatre cinq six sept huit neuf".split())))
