"""Profiles: the YAML a user writes, parsed and validated into plain data."""

from seedgen.profile.loader import load_profile, parse_profile
from seedgen.profile.schema import FieldSpec, ModelSpec, ObjectSpec, Profile

__all__ = ["FieldSpec", "ModelSpec", "ObjectSpec", "Profile", "load_profile", "parse_profile"]
