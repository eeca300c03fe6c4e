"""Plans: everything decided before a single value is made."""

from seedgen.plan.planner import FieldPlan, ModelPlan, Password, Plan, RowRef, build_plan

__all__ = ["FieldPlan", "ModelPlan", "Password", "Plan", "RowRef", "build_plan"]
