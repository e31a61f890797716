"""Which routes need the site of a dose recorded."""

from emar.domain.sites import SITE_ROUTES, needs_site


def test_patches_creams_and_injections_need_a_site():
    assert SITE_ROUTES == ("transdermal", "topical", "subcutaneous", "intramuscular")
    assert needs_site("transdermal")
    assert needs_site("topical (thin layer)")
    assert needs_site("subcutaneous injection")
    assert needs_site("intramuscular")
    assert not needs_site("oral")
    assert not needs_site("inhaled")
    assert not needs_site("")  # no route: nothing to ask
    assert not needs_site("Topical")  # routes are stored lower case
