"""No tracked file names a path on the machine where it was made (issue 24)."""
from __future__ import annotations

import re
import subprocess

from indexer.settings import PROJECT_ROOT

# roots that only exist on one machine: a home, a work tree, a build farm's folders, a mount
MACHINE_ROOTS = ("farm", "work", "home", "root", "Users", "mnt", "media", "old_root", "private", "var/folders")
# an absolute path that is not part of a URL (no scheme or host before it) and starts at such a root
ABSOLUTE = re.compile(r"(?<![\w:/.\-~])/(" + "|".join(re.escape(r) for r in MACHINE_ROOTS) + r")/[\w.\-/#]+")


def tracked_text_files():
    files = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in files:
        path = PROJECT_ROOT / name
        try:
            yield name, path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue


def test_no_tracked_file_names_a_machine_path():
    found = [(name, m.group(0)) for name, text in tracked_text_files() for m in ABSOLUTE.finditer(text)
             if name != "tests/test_no_machine_paths.py"]
    assert found == []


def test_cited_work_evidence_points_into_the_project():
    import json

    records = json.loads((PROJECT_ROOT / "corpus" / "cited_works.json").read_text(encoding="utf-8"))
    local = [r["evidence_url"] for r in records if ".txt#L" in (r.get("evidence_url") or "")]
    assert len(local) == 15
    for link in local:
        path, _, lines = link.partition("#")
        assert (PROJECT_ROOT / path).is_file() and re.fullmatch(r"L\d+-\d+", lines), link
