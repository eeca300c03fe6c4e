"""An organisation as a graph: a department tree, managers and staff pointing at each other, projects, notes on anything."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Department(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=80)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    # Two models pointing at each other: one side must be nullable to load at all.
    manager = models.ForeignKey("Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return self.name


class Employee(models.Model):
    name = models.CharField(max_length=80)
    department = models.ForeignKey(Department, to_field="code", on_delete=models.PROTECT, related_name="staff")

    def __str__(self):
        return self.name


class Project(models.Model):
    name = models.CharField(max_length=80)
    members = models.ManyToManyField(Employee, through="Assignment", through_fields=("project", "employee"), related_name="projects")

    def __str__(self):
        return self.name


class Assignment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="assignments_made")
    hours_per_week = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "employee"], name="org_assignment_once_per_project")]


class Note(models.Model):
    """A note on a department or an employee."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE,
                                     limit_choices_to={"app_label": "org", "model__in": ["department", "employee"]})
    object_id = models.PositiveIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    text = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
