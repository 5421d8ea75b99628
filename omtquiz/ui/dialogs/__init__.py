"""Modal dialogs: export, exam planner, preferences."""
