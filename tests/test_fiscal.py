import datetime as dt

import pytest

from libstats import fiscal


@pytest.mark.parametrize("day,fy", [
    (dt.date(2015, 4, 1), "2015-16"),
    (dt.date(2016, 3, 31), "2015-16"),
    (dt.date(2016, 4, 1), "2016-17"),
    (dt.date(2012, 1, 1), "2011-12"),
    (dt.date(1999, 12, 31), "1999-00"),
])
def test_fy_of(day, fy):
    assert fiscal.fy_of(day) == fy


def test_fy_months_run_april_to_march():
    months = fiscal.fy_months("2015-16")
    assert months[0] == dt.date(2015, 4, 1)
    assert months[-1] == dt.date(2016, 3, 1)
    assert len(months) == 12 and len(set(months)) == 12
    assert [fiscal.fy_month_index(m) for m in months] == list(range(1, 13))


def test_previous_next_and_range():
    assert fiscal.previous_fy("2010-11") == "2009-10"
    assert fiscal.next_fy("1999-00") == "2000-01"
    assert fiscal.fy_range("2010-11", "2013-14") == ["2010-11", "2011-12", "2012-13", "2013-14"]
    assert fiscal.fy_start("2015-16") == dt.date(2015, 4, 1)
    assert fiscal.fy_end("2015-16") == dt.date(2016, 3, 31)


@pytest.mark.parametrize("bad", ["2015", "2015-17", "15-16", "", "2015-2016"])
def test_bad_financial_years_are_refused(bad):
    with pytest.raises(ValueError, match="financial year"):
        fiscal.fy_start_year(bad)


def test_month_label():
    assert fiscal.month_label(dt.date(2015, 11, 1)) == "Nov 2015"
