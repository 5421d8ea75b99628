"""Full-window pages of the main window: decks, review, quiz, exam, stats."""
