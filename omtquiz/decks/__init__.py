"""Decks as authors write them: the model (decks, cards, items), rendering, and the YAML format."""
