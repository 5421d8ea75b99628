"""Widgets and helpers shared by several pages, windows and dialogs."""
