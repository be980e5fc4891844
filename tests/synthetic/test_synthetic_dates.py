"""dates: one person's age on one day is the vectorised age, leap days and open ends included."""
from __future__ import annotations

import numpy as np

from reliefgraph.synthetic import dates


def test_age_of_one_person_is_the_vectorised_age():
    rng = np.random.default_rng(7)
    birth = np.concatenate([rng.integers(dates.day(1900), dates.day(2026), 5_000),
                            [dates.day(2000, 2, 29), dates.day(1999, 12, 31), dates.day(1970)]])
    when = np.concatenate([rng.integers(dates.day(1950), dates.day(2028), 5_000),
                           [dates.day(2001, 2, 28), dates.day(2000, 12, 31), dates.NONE]])
    vectorised = dates.age_on(birth, when)
    assert [dates.age_on(int(b), int(w)) for b, w in zip(birth, when)] == vectorised.tolist()
    assert [dates.age_on(b, w) for b, w in zip(birth, when)] == vectorised.tolist()   # numpy scalars
    assert dates.age_of(dates.day(2000, 2, 29), dates.day(2001, 2, 28)) == 0
    assert dates.age_of(dates.day(2000, 2, 29), dates.day(2001, 3, 1)) == 1
    assert dates.age_of(dates.day(1970), dates.NONE) is None   # past the calendar: the numpy path answers
