"""Making characters: create one from a build, import one from a document, preview a draft."""
