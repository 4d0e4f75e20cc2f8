"""Loading the library: file formats, the condition language, the loader and its line finder, schemas, templates."""
