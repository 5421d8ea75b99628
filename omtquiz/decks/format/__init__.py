"""The YAML deck format: reading files into the model, checking them, and its JSON Schema."""
