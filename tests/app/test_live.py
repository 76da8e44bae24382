"""The streamed draft of a written answer (app_ui/live.py, outside the doctest paths)."""
from __future__ import annotations

import doctest

from app_ui import live


def test_live_text_doctest():
    assert doctest.testmod(live).failed == 0
