"""Plans: everything decided before a single value is made."""

from seedgen.planning.model import ExistingRows, FieldPlan, ModelPlan, Password, Plan, RowRef, Table
from seedgen.planning.planner import build_plan

__all__ = ["ExistingRows", "FieldPlan", "ModelPlan", "Password", "Plan", "RowRef", "Table", "build_plan"]
