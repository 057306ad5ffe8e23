"""`make bench`: measure dossier's builds and write the results into BENCHMARKS.md.

    .venv/bin/python bench/run.py                      # everything: sizes 1,5,20, 5 runs, 500 candidates
    .venv/bin/python bench/run.py --runs 3 --sizes 1,5 --candidats 50 --no-write
    .venv/bin/python bench/run.py --only referentiel --only livret
    .venv/bin/python bench/run.py --avant 4e727c2 --only edition --only profil   # an earlier commit's figures
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Import bench.* as a package from the project root; with bench/ itself on the
# path, a module of ours could shadow a library of the same name.
sys.path[0] = str(ROOT)

from bench import (  # noqa: E402
    accessibilite,
    build,
    edition,
    grilles,
    jury,
    livret,
    profile,
    referentiel,
    report,
    reproduction,
    standards,
    versions,
)
from bench.measure import BenchError, Settings  # noqa: E402

BENCHMARKS = ROOT / "BENCHMARKS.md"
SECTIONS = {
    "referentiel": referentiel.run, "livret": livret.run, "grilles": grilles.run, "build": build.run,
    "reproduction": reproduction.run, "standards": standards.run, "versions": versions.run,
    "edition": edition.run, "profil": profile.run, "accessibilite": accessibilite.run, "jury": jury.run,
}


def positive_ints(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » : des entiers séparés par des virgules, comme 1,5,20") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"« {text} » : des entiers positifs")
    return tuple(sorted(set(values)))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="exécutions mesurées par commande (médiane) ; 5 par défaut")
    parser.add_argument("--warmup", type=int, default=1, help="exécutions d'échauffement non comptées ; 1 par défaut")
    parser.add_argument("--sizes", type=positive_ints, default=(1, 5, 20), help="tailles, en multiples de l'exemple ; 1,5,20 par défaut")
    parser.add_argument("--candidats", type=int, default=500, help="candidats de la session des grilles ; 500 par défaut")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="ne mesurer que cette section (répétable)")
    parser.add_argument("--no-write", action="store_true", help="afficher les résultats sans réécrire BENCHMARKS.md")
    parser.add_argument(
        "--avant", metavar="REV",
        help="mesurer le code d'un commit antérieur (extrait par `git archive` dans bench/out/) ; "
        "ses sections s'écrivent sous le nom NOM-avant",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.candidats < 1:
        parser.error("--runs ≥ 1, --warmup ≥ 0 et --candidats ≥ 1")
    return args


def use_earlier_code(revision: str) -> None:
    """Measured commands run this commit's package (PYTHONPATH before the editable install)."""
    code = ROOT / "bench" / "out" / f"code-{revision}"
    if not code.is_dir():
        code.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", revision, "dossier"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
    os.environ["PYTHONPATH"] = str(code)
    os.environ[report.REVISION_VARIABLE] = revision
    compiled(code / "dossier")


def compiled(package: Path) -> None:
    """The measured package's modules compiled beforehand, as `make` does (`make bytecode`): where Python is told
    not to write them (PYTHONDONTWRITEBYTECODE), each command would otherwise spend ~0.3 s compiling them."""
    compileall.compile_dir(str(package), quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings(runs=args.runs, warmup=args.warmup, sizes=args.sizes, candidates=args.candidats)
    if args.avant:
        use_earlier_code(args.avant)
    else:
        compiled(ROOT / "dossier")
    try:
        for name in args.only or SECTIONS:
            body = SECTIONS[name](settings)
            print(body)
            if not args.no_write:
                written = f"{name}-avant" if args.avant else name
                report.update(BENCHMARKS, written, body)
                print(f"\n{BENCHMARKS.name} : section « {written} » mise à jour.", file=sys.stderr)
    except BenchError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
