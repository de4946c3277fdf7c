"""Charts drawn on the server as SVG, so that they work without JavaScript and print in
PDFs. Each comes with its data as a table beside it (the text alternative).

``levels_chart`` draws, for every key factor, one horizontal bar per series (a city's
round: mentee baseline, mentor latest...) on the five-step scale 0-4. Anything with
``pk``, ``number`` and ``title`` can stand for a key factor (a scheme, for the programme
comparison, with average levels)."""

import textwrap
from dataclasses import dataclass

from django.utils import formats

from .models import Level

# Colours with at least 3:1 contrast on white, told apart by pattern too (dashed outline).
SERIES_STYLES = [
    ("#0a3d91", ""),
    ("#b35900", ""),
    ("#2e7d32", "4 2"),
    ("#6a1b9a", "4 2"),
    ("#00695c", "1 2"),
    ("#8b1a1a", "1 2"),
    ("#37474f", "6 2 1 2"),
    ("#7a5c00", "6 2 1 2"),
]
LABEL_WIDTH = 230
BAR_AREA = 400
BAR_HEIGHT = 11
BAR_GAP = 3
ROW_GAP = 10
TOP = 40


def series_style(index):
    """(colour, dash) of the ``index``-th series: the eight above, then each colour again
    with another dash pattern (32 series apart), so that a community of many cities keeps
    every city on the chart (issue 26: it left out all but four, without a word)."""
    colours = [colour for colour, _dash in SERIES_STYLES]
    dashes = [dash for _colour, dash in SERIES_STYLES[::2]]
    return colours[index % len(colours)], dashes[(index % len(colours) // 2 + index // len(colours)) % len(dashes)]


@dataclass
class Bar:
    level: int
    text: str
    x: int
    y: int
    width: int
    colour: str
    dash: str


@dataclass
class Row:
    label: str
    title: str
    y: int
    bars: list
    lines: list = None  # the title wrapped whole, never cut (issue 26)


TITLE_CHARS = 40  # per line of a key factor's title beside its bars
LINE_HEIGHT = 11
LEGEND_LINE = 14


def title_lines(number, title):
    """The key factor's number and title wrapped into lines of the label column, whole."""
    lines = textwrap.wrap(f"{number}. {title}", TITLE_CHARS, break_long_words=True) or [str(number)]
    return lines


def level_text(level):
    """ "2 · Partly in place"; an average (2.4) is named after the nearest level."""
    if level is None:
        return None
    shown = formats.number_format(level, decimal_pos=0 if level == int(level) else 1, use_l10n=True)
    return f"{shown} · {Level(min(Level.FULLY, int(level + 0.5))).label}"  # half up, not to even


def levels_chart(key_factors, series):
    """``series``: [(name, {key factor id: level})]. Returns the drawing's parts."""
    series = list(series)
    rows = []
    # The legend, one series a line with its whole name (issue 26: names were cut at 24
    # characters), above the scale.
    legend_height = max(1, len(series)) * LEGEND_LINE
    top = TOP + legend_height - LEGEND_LINE
    y = top
    bars_height = max(1, len(series)) * (BAR_HEIGHT + BAR_GAP)
    for key_factor in key_factors:
        lines = title_lines(key_factor.number, key_factor.title)
        bars = []
        for index, (_name, values) in enumerate(series):
            level = values.get(key_factor.pk)
            colour, dash = series_style(index)
            if level is None:
                continue
            bars.append(
                Bar(
                    level=level,
                    text=level_text(level),
                    x=LABEL_WIDTH,
                    y=y + index * (BAR_HEIGHT + BAR_GAP),
                    width=max(2, round(BAR_AREA * level / Level.FULLY)),
                    colour=colour,
                    dash=dash,
                )
            )
        rows.append(Row(label=str(key_factor.number), title=key_factor.title, y=y, bars=bars, lines=lines))
        y += max(bars_height, len(lines) * LINE_HEIGHT) + ROW_GAP
    ticks = [(LABEL_WIDTH + round(BAR_AREA * level / Level.FULLY), label) for level, label in Level.choices]
    legend = [(name, *series_style(index), 4 + index * LEGEND_LINE) for index, (name, _values) in enumerate(series)]
    table = [(key_factor, [level_text(values.get(key_factor.pk)) for _name, values in series]) for key_factor in key_factors]
    return {
        "rows": rows,
        "ticks": ticks,
        "legend": legend,
        "height": y + 10,
        "tick_label_y": top - 16,
        "tick_top": top - 12,
        "width": LABEL_WIDTH + BAR_AREA + 20,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "series_names": [name for name, _values in series],
        "table": table,
    }
