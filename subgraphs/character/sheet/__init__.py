"""The derived sheet: every number ``rules.derive`` computes from the document, with the
contributions that explain it, computed on read and cached by ``(id, version)``."""
