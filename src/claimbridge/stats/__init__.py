"""Statistics of the platform: published figures, their dashboards and the report (issue 17)."""
