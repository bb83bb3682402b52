"""Videos: length read from the container, and a cut-short or padded file refused."""

from __future__ import annotations

import io

import pytest

from claimbridge.photos.errors import RejectedFile
from claimbridge.photos.tests.samples import minimal_mp4
from claimbridge.photos.video import inspect_video


@pytest.mark.parametrize("version", [0, 1])
def test_the_duration_comes_from_the_movie_header(version):
    data = minimal_mp4(12.5, version=version)
    facts = inspect_video(io.BytesIO(data), len(data), max_seconds=60)
    assert facts.duration_seconds == pytest.approx(12.5)
    assert facts.top_level_boxes == ("ftyp", "moov", "mdat")


def test_a_file_without_a_movie_header_is_refused():
    data = minimal_mp4()
    without_moov = data[:32] + data[data.index(b"mdat") - 4 :]
    with pytest.raises(RejectedFile):
        inspect_video(io.BytesIO(without_moov), len(without_moov), max_seconds=60)
