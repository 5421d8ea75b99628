"""Other formats in and out: Anki packages (export and import), Quizlet/CSV/TSV tables."""
