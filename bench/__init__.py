"""Benchmarks: omtquiz side by side with a bare baseline, in one run (`python -m bench`)."""
