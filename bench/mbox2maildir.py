#!/usr/bin/env python3
"""mbox2maildir.py -- split mboxrd files (plain or .gz) into a fresh Maildir.

Usage: mbox2maildir.py MBOX[.gz]... MAILDIR

Used by bench/run.mjs to give notmuch and mu the same corpus Loupe imports
(not timed). Separator lines are "From " at the start of a line; body lines
escaped as ">From ", ">>From "... lose one ">" (mboxrd). Prints the count.
"""

import gzip
import os
import re
import sys

ESCAPED = re.compile(rb"^>+From ")


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    sources, dst = sys.argv[1:-1], sys.argv[-1]
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(dst, sub), exist_ok=True)
    count = 0
    buf = []

    def flush():
        nonlocal count
        if not buf:
            return
        # Drop the blank line mboxrd puts between messages.
        while buf and buf[-1] in (b"\n", b"\r\n"):
            buf.pop()
        count += 1
        name = os.path.join(dst, "new", "%08d.bench.loupe" % count)
        with open(name, "wb") as f:
            f.writelines(buf)
        buf.clear()

    for src in sources:
        opener = gzip.open if src.endswith(".gz") else open
        with opener(src, "rb") as f:
            for line in f:
                if line.startswith(b"From "):
                    flush()
                    continue
                if ESCAPED.match(line):
                    line = line[1:]
                buf.append(line)
        flush()
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
