"""Plans: everything decided before a single value is made."""

from seedgen.plan.model import ExistingRows, FieldPlan, ModelPlan, Password, Plan, RowRef
from seedgen.plan.planner import build_plan

__all__ = ["ExistingRows", "FieldPlan", "ModelPlan", "Password", "Plan", "RowRef", "build_plan"]
