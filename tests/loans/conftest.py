"""Loan scenarios run in office hours: collection calls are planned around quiet hours, so what a
test sees must not depend on the time of day it happens to run."""
from datetime import time

import pytest

from .helpers import set_time_of_day


@pytest.fixture(autouse=True)
def office_hours(app, monkeypatch):
    set_time_of_day(app, monkeypatch, time(10, 0))
