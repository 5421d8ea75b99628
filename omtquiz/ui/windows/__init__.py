"""Top-level windows beside the main window: the card browser and the authoring window."""
