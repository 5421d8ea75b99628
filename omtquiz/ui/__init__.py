"""The Qt desktop app: thin widgets over the headless core (they never parse, query or schedule)."""
