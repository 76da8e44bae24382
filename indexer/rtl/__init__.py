"""Detection and repair of garbled right-to-left (Persian) text; see docs/repair.md."""
from indexer.rtl.detect import KINDS, classify_document, classify_line
from indexer.rtl.repair import repair_line, repair_text

__all__ = ["KINDS", "classify_document", "classify_line", "repair_line", "repair_text"]
