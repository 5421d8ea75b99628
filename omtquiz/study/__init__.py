"""Studying: what to show next (scope, queue, session), quizzes, exams, planner, stats, search."""
