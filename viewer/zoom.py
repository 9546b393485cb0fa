"""Zoom steps for the page, as in a web browser: 50% to 300%.

    >>> zoom_in(1.0), zoom_out(1.0), zoom_in(3.0)
    (1.1, 0.9, 3.0)
    >>> zoom_in(1.13)   # a zoom between steps goes to the next step
    1.25
"""

from __future__ import annotations

STEPS = (0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
_EPSILON = 1e-6


def zoom_in(factor: float) -> float:
    return next((step for step in STEPS if step > factor + _EPSILON), STEPS[-1])


def zoom_out(factor: float) -> float:
    return next((step for step in reversed(STEPS) if step < factor - _EPSILON), STEPS[0])


def percent(factor: float) -> str:
    return f"{round(factor * 100)}%"
