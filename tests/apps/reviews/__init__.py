"""A test-only app whose model points at the blog from outside any profile."""
