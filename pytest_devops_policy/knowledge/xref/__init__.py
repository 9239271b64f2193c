"""Cross-artifact links (catalog §9): the facts XREF policies read."""
