"""A ward PC's clock against the server's: up to 2 minutes is fine, to 10 a warning, beyond a
block; either way round."""

from datetime import timedelta

from emar.domain.clock_skew import SkewState, skew_state, skew_text


def test_the_skew_thresholds_either_way():
    minutes = [None, 0, 2, -2, 3, -10, 10, 11, -11]
    states = [skew_state(None if m is None else timedelta(minutes=m)) for m in minutes]
    ok, warn, block = SkewState.OK, SkewState.WARN, SkewState.BLOCK
    assert states == [ok, ok, ok, ok, warn, warn, warn, block, block]
    assert (
        skew_text(timedelta(minutes=3)) == "This PC's clock is 3 min behind the database server's"
    )
    assert skew_text(timedelta(minutes=-12)).endswith("12 min ahead of the database server's")
