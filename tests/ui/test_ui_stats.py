"""The statistics screen with real widgets offscreen (the card browser and the exam planner have
test_ui_browser.py and test_ui_planner.py; `samples.make_context` and the `logged_context` fixture
serve all three)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtGui import QColor, QImage
from test_ui_quiz import unnamed_controls

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Item
from omtquiz.progress.types import ExamDate
from omtquiz.ui import theme
from omtquiz.ui.pages.stats import StatsPage
from samples import START, make_context, simulate_week, stats_library


@pytest.fixture
def stats_page(qtbot, logged_context):
    page = StatsPage(logged_context)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    return page


# The statistics screen


def test_the_page_shows_the_hand_counted_numbers(stats_page):
    page = stats_page
    tiles = [page.answers_tile, page.cards_tile, page.time_tile, page.again_tile,
             page.retention_tile]
    assert [t.value.text() for t in tiles] == ["4", "3", "28 s", "50%", "60%"]
    assert page.day_label.text() == "Study day Mon 10 Mar 2025"
    deck_rows = [[page.deck_retention.item(r, c).text() for c in range(5)]
                 for r in range(page.deck_retention.rowCount())]
    assert deck_rows == [["OMT::Techniques", "50%", "50%", "50%", "4"],
                         ["Safety", "–", "100%", "100%", "1"]]
    tags = [page.tag_retention.item(r, 0).text() for r in range(page.tag_retention.rowCount())]
    assert tags == ["contraindication", "counterstrain", "indication", "muscle-energy",
                    "safety", "technique"]
    assert page.heatmap.subtitle() == "12 answers · 7 days studied · streak 2"
    assert [m.tag for m in page.mastery.rows] == ["counterstrain", "muscle-energy"]


def test_study_these_asks_for_the_hardest_cards(qtbot, stats_page):
    page = stats_page
    assert page.hardest_table.rowCount() == len(page.report.hardest) == 1
    # me2 lapsed twice and has three answers logged, one of them Again; cs1 lapsed three
    # times but has one answer logged, too few to judge; the rest never lapsed.
    assert [page.hardest_table.item(0, c).text() for c in range(4)] == [
        "Front of me2", "OMT::Techniques", "2", "2 of 3"]
    assert "67% of your answers right" in page.hardest_table.item(0, 3).toolTip()
    assert page.hardest_table.isVisibleTo(page) and not page.hardest_empty.isVisibleTo(page)
    with qtbot.waitSignal(page.study_items_requested) as signal:
        page.study_button.click()
    assert signal.args[0][0] == Item("tech", "me2")
    assert signal.args[0] == page.hardest_items()


def test_escape_and_back_leave_the_page(qtbot, stats_page):
    with qtbot.waitSignal(stats_page.finished):
        stats_page.back_button.click()
    stats_page.setFocus()
    with qtbot.waitSignal(stats_page.finished):
        qtbot.keyClick(stats_page, "\x1b")


@pytest.mark.parametrize("name", ["light", "dark"])
def test_each_chart_renders_to_png_in_both_themes(qapp, stats_page, tmp_path, name):
    theme.apply(qapp, name, 15)
    exam_day = stats_page.context.clock.now().date() + timedelta(days=30)
    stats_page.context.store.save_exam_date(ExamDate("Block exam", exam_day, ("tech",),
                                                     ("safety",)))
    stats_page.refresh()
    written = stats_page.export_charts(tmp_path / name)
    assert [p.name for p in written] == ["reviews-heatmap.png", "due-forecast.png",
                                         "exam-history.png", "technique-mastery.png",
                                         "exam-recall.png"]
    assert stats_page.exam_recall.subtitle().startswith(
        f"Block exam, {exam_day.day} {exam_day:%b %Y}: ")
    assert "deck tech" in stats_page.exam_recall.detail()
    assert "tag safety" in stats_page.exam_recall.detail()
    base = QColor(theme.colors(name)["base"])
    for chart, path in zip(stats_page.charts(), written, strict=True):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (chart.width(), chart.height())
        assert image.pixelColor(4, image.height() // 2) == base, path.name
        colors = {image.pixel(x, y) for x in range(0, image.width(), 3)
                  for y in range(0, image.height(), 3)}
        assert len(colors) > 8, f"{path.name} looks blank"


def test_a_fresh_profile_shows_empty_charts_without_errors(qtbot, tmp_path, qapp):
    context = make_context(tmp_path, stats_library(), FixedClock(START))
    page = StatsPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    assert page.forecast.is_empty() and page.exam_chart.is_empty()
    assert page.exam_recall.is_empty()  # no exam date set
    assert not page.study_button.isEnabled()
    assert page.hardest_empty.isVisible() and not page.hardest_table.isVisible()
    assert page.hardest_empty.text().startswith("Nothing hard yet")
    assert len(page.export_charts(tmp_path / "empty")) == 5
    context.store.close()


def test_every_control_on_the_page_is_named(stats_page):
    assert unnamed_controls(stats_page) == []


@pytest.mark.slow
def test_after_a_week_of_study_the_page_agrees_with_the_hand_count(qtbot, tmp_path, qapp):
    real_now = datetime.now(timezone.utc).replace(microsecond=0)
    library, _, per_day = simulate_week(tmp_path, real_now)
    clock = FixedClock(real_now)
    context = make_context(tmp_path, library, clock)
    page = StatsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    assert page.answers_tile.value.text() == str(list(per_day.values())[-1])
    shown = [d.count for d in page.heatmap.days if d.count]
    assert shown == list(per_day.values())
    context.store.close()


# The card browser


def test_an_empty_chart_sits_at_the_top_of_its_row_beside_a_full_one(qtbot, tmp_path):
    """A first day after an exam: the forecast has nothing yet and is short; it starts level
    with the exam chart beside it instead of floating in the middle of the row."""
    from omtquiz.study.recording import record_exam

    clock = FixedClock(START)
    context = make_context(tmp_path, stats_library(), clock)
    record_exam(context.store, scope="all", started_at=START - timedelta(minutes=20),
                finished_at=START, total=10, correct=7)
    page = StatsPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    assert page.forecast.is_empty() and not page.exam_chart.is_empty()
    assert page.forecast.height() < page.exam_chart.height()
    assert page.forecast.y() == page.exam_chart.y()
    context.store.close()
