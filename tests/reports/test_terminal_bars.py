"""`show` draws a bar per candidate, with the cut line and the pass line visible."""

from fractions import Fraction

from selector.reports.terminal import bar


def test_bar_is_scaled_exactly_and_marks_the_pass_line():
    assert bar(Fraction(1, 2), width=12) == "██████······"
    assert bar(Fraction(0), width=4) == "····"
    # 8 of 15 is the pass line: 7 yes votes stop short of it, 10 cross it
    assert bar(Fraction(7, 15), Fraction(8, 15), width=12) == "██████┃······"
    assert bar(Fraction(10, 15), Fraction(8, 15), width=12) == "██████┃██····"


def test_show_draws_bars_with_cut_and_pass_lines(counted, run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "130")
    counted("vote2")
    out = run("show", "vote2").stdout
    lines = {line.split()[2]: line for line in out.splitlines() if line.strip()[:1].isdigit()}
    assert "██████┃██····" in lines["李强"]  # 10 of 15 members: past the line of 8
    assert "███···┃······" in lines["赵敏"]  # 4 of 15
    assert "██████┃······" in lines["马丽"]  # 7 of 15: one short of the line
    rec2 = run("show", "rec2").stdout
    p01 = rec2.split("P02")[0].splitlines()
    rows = [i for i, line in enumerate(p01) if line.strip()[:1].isdigit()]
    # the cut line (a table rule) separates the 3 who advance from the 4th
    assert rows[3] - rows[2] > 1 and "████" in p01[rows[0]]
