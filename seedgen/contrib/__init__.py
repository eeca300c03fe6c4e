"""Optional parts a project mounts itself; nothing in seedgen's pipeline imports them."""
