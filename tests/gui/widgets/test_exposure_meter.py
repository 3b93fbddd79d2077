"""The exposure meter counts reveals."""

from __future__ import annotations

from triage_app.gui.widgets.exposure_meter import ExposureMeter, meter_text
from triage_app.review.exposure import Exposure


def test_exposure_meter_counts_reveals() -> None:
    meter = ExposureMeter()
    meter.reset(Exposure(2, 12.5))
    assert meter.text() == meter_text(Exposure(0, 0.0), Exposure(2, 12.5))
    meter.add(3.25)
    assert meter.session == Exposure(1, 3.25)
    assert meter.today == Exposure(3, 15.75)
    assert meter.text() == "Revealed: 1 item, 3.2 s this session | 3 items, 15.8 s today"
    meter.deleteLater()
