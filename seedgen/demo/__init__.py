"""The bundled demo project: the blog of the fixtures guide, in an embedded SQLite database."""
