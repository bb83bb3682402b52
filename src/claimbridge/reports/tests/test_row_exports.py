"""Exports of the figures' rows (issue 17, item 6; R19, B8): written by a task with its progress, the requester's
alone, a company's cut to its own parties."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from tests.backends import file_storage

from claimbridge.core.errors import AppError
from claimbridge.reports import rollups
from claimbridge.reports import row_exports as exports
from claimbridge.reports.export_models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(django_capture_on_commit_callbacks, settings):
    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    from tests.factories import agreed_case

    with django_capture_on_commit_callbacks(execute=True):
        case = agreed_case()
    rollups.rebuild()
    return case


def _run(user, django_capture_on_commit_callbacks) -> ExportJob:
    today = date.today().replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_request(user=user, first=today, last=today)
    job.refresh_from_db()
    return job


def test_a_company_exports_its_own_parties_only(cases, users, django_capture_on_commit_callbacks):
    """R19/B8: maiji's export has maiji's party of the case and never tianlong's."""
    job = _run(users["maiji_hq"], django_capture_on_commit_callbacks)
    assert job.state == "done"
    assert (job.rows_total, job.rows_done, job.percent) == (1, 1, 100)
    content, name = exports.export_open(user=users["maiji_hq"], job_id=job.pk)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert name.endswith(".xlsx")
    assert len(rows) == 2
    assert rows[1][0] == cases.number
    labels = [party.label for party in cases.parties.all() if party.insurer and party.insurer.code == "maiji"]
    assert [rows[1][1]] == labels


def test_the_association_exports_every_companys_cells(cases, users, django_capture_on_commit_callbacks):
    job = _run(users["ln_assoc"], django_capture_on_commit_callbacks)
    content, _name = exports.export_open(user=users["ln_assoc"], job_id=job.pk)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) == 3  # the header and the two companies' cells
    assert job.insurer_id is None


def test_an_export_is_its_requesters_alone(cases, users, django_capture_on_commit_callbacks):
    job = _run(users["maiji_hq"], django_capture_on_commit_callbacks)
    for other in ("tianlong_hq", "ln_assoc", "maiji_branch"):
        with pytest.raises(AppError) as refused:
            exports.export_open(user=users[other], job_id=job.pk)
        assert refused.value.status == 404


@pytest.mark.parametrize("username", ["driver_ln", "maiji_adj1", "police_ln", "antifraud"])
def test_who_sees_no_figures_exports_nothing(users, username):
    with pytest.raises(AppError) as refused:
        exports.export_request(user=users[username], first=date(2026, 1, 1), last=date(2026, 3, 1))
    assert refused.value.status == 403
    assert not ExportJob.objects.exists()


def test_bad_periods_are_refused_and_nothing_is_made(users):
    for first, last in ((date(2026, 3, 1), date(2026, 1, 1)), (date(2016, 1, 1), date(2026, 1, 1))):
        with pytest.raises(AppError) as refused:
            exports.export_request(user=users["ln_assoc"], first=first, last=last)
        assert refused.value.status == 422
    assert not ExportJob.objects.exists()


def test_a_month_not_begun_is_refused(users):
    today = date.today()
    ahead = date(today.year + 1, today.month, 1)
    with pytest.raises(AppError) as refused:
        exports.export_request(user=users["ln_assoc"], first=ahead, last=ahead)
    assert refused.value.code == "period_in_future"
    assert not ExportJob.objects.exists()
