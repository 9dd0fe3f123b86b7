"""Scenarios: named copies of the plan in one project file, switched, compared (issue 16)."""
