"""The server sets what it made at start-up aside from Python's cycle collector, whose full
collections walked every lesson and module each time (40-70 ms without a page answered)."""

import gc

import pytest

from coursesite import create_app
from coursesite.web.collector import set_aside_start_up_objects
from tests.conftest import STARTER_LESSONS


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()  # the rest of the test run collects as usual


def test_a_full_collection_no_longer_walks_what_start_up_made(tmp_path, unfrozen):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "SECRET_KEY": "k" * 32,
            "LESSONS": str(STARTER_LESSONS),
        }
    )
    client = app.test_client()
    assert client.get("/fr/").status_code == 200
    gc.collect()
    walked_before = len(gc.get_objects())  # what every full collection looks at

    set_aside = set_aside_start_up_objects()

    walked_after = len(gc.get_objects())
    assert set_aside >= walked_before * 0.9
    assert walked_after < walked_before / 10
    # Pages still work, and what they make is collected as before.
    assert "Leçons" in client.get("/fr/").get_data(as_text=True)
    assert gc.collect() >= 0 and gc.isenabled()
