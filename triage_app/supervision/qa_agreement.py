"""Agreement between two graders and Cohen's kappa, as exact fractions (pure).

Cohen's kappa for two graders over N items in categories c::

    p_o = (items both put in the same category) / N
    p_e = sum over c of (first's count in c / N) * (second's count in c / N)
    kappa = (p_o - p_e) / (1 - p_e)        (undefined when p_e = 1)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


def rounded(x: Fraction | float | None) -> float | None:
    """A fraction for JSON: a float rounded to 6 places (None stays None)."""
    return None if x is None else round(float(x), 6)


@dataclass(frozen=True, slots=True)
class CategoryAgreement:
    """Agreement on one category."""

    category: str
    #: Items the first examiner put in the category.
    first: int
    #: Items the second grader put in the category.
    second: int
    #: Items both put in the category.
    agreed: int

    @property
    def agreement(self) -> float | None:
        """Share of the first examiner's items in this category the second grader agreed on."""
        return self.agreed / self.first if self.first else None

    @property
    def specific(self) -> float | None:
        """Specific agreement: 2 x agreed / (first + second)."""
        total = self.first + self.second
        return 2 * self.agreed / total if total else None

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of one category's row."""
        return {
            "category": self.category,
            "first": self.first,
            "second": self.second,
            "agreed": self.agreed,
            "agreement": rounded(self.agreement),
            "specific_agreement": rounded(self.specific),
        }


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement between two graders over the same items."""

    n: int
    agreed: int
    observed: Fraction | None
    expected: Fraction | None
    kappa: Fraction | None
    per_category: tuple[CategoryAgreement, ...]
    #: (first category, second category) -> items.
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON shape (fractions as floats, rounded to 6 places)."""
        return {
            "items_compared": self.n,
            "agreed": self.agreed,
            "observed_agreement": rounded(self.observed),
            "expected_agreement": rounded(self.expected),
            "kappa": rounded(self.kappa),
            "per_category": [c.as_dict() for c in self.per_category],
            "matrix": [
                {"first": a, "second": b, "items": n} for (a, b), n in sorted(self.matrix.items())
            ],
        }


def agreement(
    pairs: Iterable[tuple[str, str]], categories: Sequence[str] | None = None
) -> Agreement:
    """Agreement and Cohen's kappa for (first, second) category pairs (exact fractions).

    ``categories`` orders the per-category rows (the scheme's order); categories
    met in the pairs but not listed follow, sorted.
    """
    pairs = list(pairs)
    n = len(pairs)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    agreed_by = Counter(a for a, b in pairs if a == b)
    matrix = dict(Counter(pairs))
    agreed = sum(agreed_by.values())
    order = list(categories or [])
    order += sorted((set(first) | set(second)) - set(order))
    per_category = tuple(
        CategoryAgreement(c, first[c], second[c], agreed_by[c])
        for c in order
        if first[c] or second[c] or categories is not None
    )
    if n == 0:
        return Agreement(0, 0, None, None, None, per_category, matrix)
    observed = Fraction(agreed, n)
    expected = sum((Fraction(first[c] * second[c], n * n) for c in set(first) | set(second)),
                   Fraction(0))  # fmt: skip
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(n, agreed, observed, expected, kappa, per_category, matrix)


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> Fraction | None:
    """Cohen's kappa of (first, second) pairs; None when undefined (p_e = 1 or no pairs)."""
    return agreement(pairs).kappa
