"""``python -m indexer repair [FILE|-]``: garbled Persian lines in, logical lines out (one per input line)."""
from __future__ import annotations

import sys
from typing import Iterable

from indexer.rtl.repair import repair_line


def repair_command(path: str | None = None) -> int:
    """Print one repaired line per input line, in order. ``path`` "-" or None reads standard input."""
    try:
        lines: Iterable[str]
        if path in (None, "-"):
            lines = (line for line in sys.stdin)
        else:
            with open(path, encoding="utf-8") as f:
                lines = list(f)
    except OSError as exc:
        print(f"{path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"{path}: not valid UTF-8 text", file=sys.stderr)
        return 2
    out = sys.stdout
    for line in lines:
        text = line.rstrip("\n").rstrip("\r")
        out.write(repair_line(text) + "\n")
    out.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    return repair_command(argv[0] if argv else "-")


if __name__ == "__main__":
    sys.exit(main())
