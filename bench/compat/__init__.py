"""The compatibility report of seedgen against popular third-party Django apps (see README.md)."""
