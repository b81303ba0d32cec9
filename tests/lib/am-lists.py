#!/usr/bin/env python3
"""usage: am-lists.py SRCDIR

Automake has no globs, so Makefile.am keeps hand lists: the sources,
BATS_TESTS, UNIT_TESTS, FUZZ_REPLAYS, EXTRA_DIST.  A file left out of
one is silently never built, run or shipped.  This compares the lists
with the tree, both ways:

  - every src/**/*.[ch] is in a _SOURCES list;
  - every tests/*.bats is in BATS_TESTS;
  - every tests/unit/test_X.c has tests/unit/test_X in UNIT_TESTS;
  - every tests/fuzz/fuzz_X.c has tests/fuzz/replay_X in FUZZ_REPLAYS;
  - every file or folder of tests/lib is in EXTRA_DIST;
  - and every file these lists name exists.

Prints one line per difference and exits 1, or prints what it counted
and exits 0.  Used by tests/12-docs.bats.
"""
import glob
import os
import re
import sys


def variables(text):
    """Each variable of Makefile.am (= and +=) and the words it holds."""
    text = text.replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_]+)\s*\+?=(.*)$", line)
        if m:
            words = m.group(2).split("#")[0].split()
            found.setdefault(m.group(1), []).extend(words)
    return found


def tree(top, pattern):
    """The files a pattern matches; Python's caches are no one's."""
    return {os.path.relpath(p, top)
            for p in glob.glob(os.path.join(top, pattern), recursive=True)
            if "__pycache__" not in p}


def compare(problems, what, listed, present):
    for f in sorted(present - listed):
        problems.append(f"not in {what} of Makefile.am: {f}")
    for f in sorted(listed - present):
        problems.append(f"in {what} of Makefile.am, no such file: {f}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[0])
    top = sys.argv[1]
    with open(os.path.join(top, "Makefile.am")) as f:
        var = variables(f.read())
    plain = {k: {w for w in v if "$" not in w} for k, v in var.items()}
    sources = set().union(*(v for k, v in plain.items()
                            if k.endswith("_SOURCES")))
    problems = []

    compare(problems, "the _SOURCES lists",
            {w for w in sources if w.startswith("src/")},
            tree(top, "src/**/*.[ch]"))
    compare(problems, "BATS_TESTS", plain.get("BATS_TESTS", set()),
            tree(top, "tests/*.bats"))
    compare(problems, "UNIT_TESTS",
            {w + ".c" for w in plain.get("UNIT_TESTS", set())},
            tree(top, "tests/unit/test_*.c"))
    compare(problems, "FUZZ_REPLAYS",
            {w.replace("/replay_", "/fuzz_") + ".c"
             for w in plain.get("FUZZ_REPLAYS", set())},
            tree(top, "tests/fuzz/fuzz_*.c"))
    extra = plain.get("EXTRA_DIST", set())
    compare(problems, "EXTRA_DIST",
            {w for w in extra if w.startswith("tests/lib/")},
            tree(top, "tests/lib/*"))
    for w in sorted(sources | extra):
        if (not w.startswith(("src/", "tests/lib/")) and
                not os.path.exists(os.path.join(top, w))):
            problems.append(f"named in Makefile.am, no such file: {w}")

    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"Makefile.am names {len(plain.get('BATS_TESTS', ()))} bats "
          f"files, {len(plain.get('UNIT_TESTS', ()))} unit tests, "
          f"{len(plain.get('FUZZ_REPLAYS', ()))} fuzz replays, "
          f"{len([w for w in sources if w.startswith('src/')])} source "
          f"files and {len(extra)} other files, all present")


if __name__ == "__main__":
    main()
