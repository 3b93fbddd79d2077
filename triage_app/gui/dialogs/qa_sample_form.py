"""The QA panel's form for drawing a blind sample: who, how many, which seed and exhibit."""

from __future__ import annotations

from dataclasses import dataclass

from triage_app.gui.qt import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)


def parse_counts(text: str) -> dict[str, int]:
    """``"A=5, B=5 C=2"`` as {category: count}; raises ValueError with a message."""
    out: dict[str, int] = {}
    for part in text.replace(",", " ").split():
        category, sep, number = part.partition("=")
        if not sep or not category or not number.isdigit():
            raise ValueError(f"write counts as CATEGORY=N, e.g. A=5 B=5, not {part!r}")
        out[category] = int(number)
    if not out:
        raise ValueError("give a count for at least one category, e.g. A=5 B=5")
    return out


@dataclass(frozen=True, slots=True)
class SampleChoice:
    """What the form asks for, as :func:`triage_app.supervision.qa.draw_sample` takes it."""

    examiner: str
    second_grader: str
    percent: str | None
    counts: dict[str, int] | None
    seed: int | None
    exhibit: str | None


class SampleForm(QGroupBox):
    """Examiner, second grader, a percentage or counts per category, seed and exhibit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Draw a sample for blind second grading", parent)
        form = QFormLayout(self)
        self.examiner = QComboBox()
        self.examiner.setAccessibleName("Examiner whose manual grades are sampled")
        self.second = QComboBox()
        self.second.setAccessibleName("Second grader")
        self.by_percent = QRadioButton("&Percentage of the manual grades")
        self.by_count = QRadioButton("C&ount per category")
        self.by_percent.setChecked(True)
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0.1, 100.0)
        self.percent.setDecimals(1)
        self.percent.setValue(10.0)
        self.percent.setSuffix(" %")
        self.counts = QLineEdit()
        self.counts.setPlaceholderText("e.g. A=5 B=5 C=5")
        self.counts.setEnabled(False)
        self.by_count.toggled.connect(self.counts.setEnabled)
        self.by_percent.toggled.connect(self.percent.setEnabled)
        how = QHBoxLayout()
        for widget in (self.by_percent, self.percent, self.by_count, self.counts):
            how.addWidget(widget)
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("empty: a fresh random seed (recorded)")
        self.exhibit = QComboBox()
        self.exhibit.addItem("all exhibits", None)
        self.draw_button = QPushButton("&Draw sample")
        form.addRow("&Examiner:", self.examiner)
        form.addRow("&Second grader:", self.second)
        form.addRow("Sample:", how)
        form.addRow("See&d:", self.seed)
        form.addRow("E&xhibit:", self.exhibit)
        form.addRow("", self.draw_button)

    def set_accounts(self, accounts: list[str], actor: str) -> None:
        """Offer these accounts, keeping the choices; ``actor`` is never the second grader.

        The supervisor drawing a sample may not grade it blind.
        """
        choices = {self.examiner: accounts, self.second: [a for a in accounts if a != actor]}
        for combo, labels in choices.items():
            current = combo.currentData()
            combo.clear()
            for label in labels:
                combo.addItem(label, label)
            if current:
                combo.setCurrentIndex(max(0, combo.findData(current)))
        if self.second.currentData() == self.examiner.currentData() and self.second.count() > 1:
            self.second.setCurrentIndex(1 if self.second.currentIndex() == 0 else 0)

    def set_exhibits(self, exhibits: list[str]) -> None:
        """Offer the case's exhibits (once: they are listed when the panel opens)."""
        if self.exhibit.count() == 1:
            for ref in exhibits:
                self.exhibit.addItem(ref, ref)

    def choice(self) -> SampleChoice:
        """The sample asked for; ValueError (with a message) when counts or seed are not valid."""
        seed_text = self.seed.text().strip()
        counts = parse_counts(self.counts.text()) if self.by_count.isChecked() else None
        return SampleChoice(
            examiner=self.examiner.currentData(),
            second_grader=self.second.currentData(),
            percent=None if counts else f"{self.percent.value():g}",
            counts=counts,
            seed=int(seed_text) if seed_text else None,
            exhibit=self.exhibit.currentData(),
        )
