"""Strategies: each one class that holds a field's profile syntax, planning check and column generator.

Importing the package registers the built-in ones (see ``base`` for the interface);
a new strategy is one ``@register``-ed class.
"""

from seedgen.strategies import bits, numbers, relations, text, time, values  # noqa: F401  (they register themselves)
from seedgen.strategies.base import (
    Context,
    Planning,
    Strategy,
    profile_strategies,
    register,
    registered,
    strategy_class,
    strategy_for,
    unregister,
)

__all__ = [
    "Context",
    "Planning",
    "Strategy",
    "profile_strategies",
    "register",
    "registered",
    "strategy_class",
    "strategy_for",
    "unregister",
]

# Registered after the plain ones: error messages list the strategies that fit in this order.
from seedgen.strategies import computed  # noqa: E402, F401
