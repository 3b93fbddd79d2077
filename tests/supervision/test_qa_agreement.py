"""Agreement and Cohen's kappa (``triage_app.supervision.qa_agreement``)."""

from __future__ import annotations

from fractions import Fraction

from triage_app.supervision.qa_agreement import agreement, cohen_kappa


def test_kappa_against_a_hand_worked_example() -> None:
    """Ten items, three categories. First grader down, second grader across:

    ============  ===  ===  ===  =====
    first \\ 2nd    A    B    C   total
    ============  ===  ===  ===  =====
    A               3    1    0      4
    B               0    2    1      3
    C               0    0    3      3
    total           3    3    4     10
    ============  ===  ===  ===  =====

    p_o = (3 + 2 + 3) / 10 = 8/10
    p_e = (4*3 + 3*3 + 3*4) / 10^2 = (12 + 9 + 12) / 100 = 33/100
    kappa = (p_o - p_e) / (1 - p_e) = (80/100 - 33/100) / (67/100) = 47/67 = 0.70149...

    Per category (share of the first grader's items the second confirmed):
    A 3/4, B 2/3, C 3/3; specific agreement 2*agreed/(first+second):
    A 6/7, B 4/6, C 6/7.
    """
    pairs = ([("A", "A")] * 3 + [("A", "B")] + [("B", "B")] * 2 + [("B", "C")]
             + [("C", "C")] * 3)  # fmt: skip
    result = agreement(pairs, ["A", "B", "C", "U"])
    assert result.n == 10 and result.agreed == 8
    assert result.observed == Fraction(8, 10)
    assert result.expected == Fraction(33, 100)
    assert result.kappa == Fraction(47, 67)
    assert cohen_kappa(pairs) == Fraction(47, 67)
    assert round(float(result.kappa), 5) == 0.70149
    rows = {c.category: c for c in result.per_category}
    assert [rows[c].agreement for c in "ABC"] == [3 / 4, 2 / 3, 1.0]
    assert [rows[c].specific for c in "ABC"] == [6 / 7, 4 / 6, 6 / 7]
    assert (rows["U"].first, rows["U"].agreement) == (0, None)
    assert result.matrix[("A", "B")] == 1 and result.matrix[("B", "C")] == 1
    assert result.as_dict()["kappa"] == round(47 / 67, 6)


def test_kappa_edge_cases() -> None:
    assert cohen_kappa([("A", "A"), ("B", "B"), ("C", "C")]) == 1
    # Both graders put everything in one category: chance agreement is 1, kappa undefined.
    assert cohen_kappa([("A", "A")] * 5) is None
    assert cohen_kappa([]) is None
    # Systematic disagreement is worse than chance.
    kappa = cohen_kappa([("A", "B"), ("B", "A")] * 3)
    assert kappa is not None and kappa < 0
    # Swapping the graders does not change kappa.
    pairs = [("A", "A"), ("A", "B"), ("B", "B"), ("C", "B"), ("C", "C"), ("A", "C")]
    assert cohen_kappa(pairs) == cohen_kappa([(b, a) for a, b in pairs])
