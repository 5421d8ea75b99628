"""Shares as whole percentages: half up, the same on every screen and command."""

from omtquiz.numbers import percent, percent_text


def test_half_rounds_up_where_python_formats_to_even():
    assert f"{5 / 8:.0%}" == "62%"  # what the statistics once showed
    assert percent(5 / 8) == 63 and percent_text(5 / 8) == "63%"
    assert percent_text(1 / 8) == "13%" and percent_text(0.0) == "0%" and percent_text(1) == "100%"


def test_no_share_shows_the_placeholder():
    assert percent_text(None) == "–" and percent_text(None, "-") == "-"
