KINDS=()
def classify_line(l): return "garbled_chunks"
def classify_document(l): return "garbled_chunks"
