"""Photo evidence speed on one core (issue 4): ingest of a 12-megapixel JPEG, and a near-duplicate query.

    python bench/photos.py --out bench/results/photos.json [--hashes 1000000]

Ingest is everything an upload costs before it is stored: type from the bytes, SHA-256 and the polyglot scan,
EXIF, a decode at reduced size (JPEG DCT scaling), perceptual hashes of the image in 22 views (mirrored and rotated
included) and the thumbnail. The query asks the platform's index (multi-index hashing over 64-bit hashes) for
everything within Hamming distance 10, beside a plain Python loop over the same hashes.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

import numpy as np
from PIL import Image
from results_file import write_results

from claimbridge.photos.index import HashIndex, brute_force_search
from claimbridge.photos.ingest import Limits, ingest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "data" / "exif_samples" / "DSCN0010.jpg"


def twelve_megapixel_jpeg() -> bytes:
    """A real photo enlarged to 4000×3000 with sensor-like noise, saved as a phone would (quality 92, with EXIF)."""
    photo = Image.open(SOURCE)
    exif = photo.getexif()
    large = np.asarray(photo.convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC), dtype=np.int16)
    noise = np.random.default_rng(12).integers(-6, 7, large.shape, dtype=np.int16)
    image = Image.fromarray(np.clip(large + noise, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--hashes", type=int, default=1_000_000)
    args = parser.parse_args()

    photo = twelve_megapixel_jpeg()
    limits = Limits()
    ingest(io.BytesIO(photo), limits)  # warm up imports and caches
    timings = []
    for _ in range(15):
        started = time.perf_counter()
        result = ingest(io.BytesIO(photo), limits)
        timings.append((time.perf_counter() - started) * 1000)
    assert result.width == 4000
    assert result.hashes

    rng = np.random.default_rng(2026)
    hashes = rng.integers(0, 2**63, args.hashes, dtype=np.uint64) * np.uint64(2) + rng.integers(
        0, 2, args.hashes, dtype=np.uint64
    )
    ids = np.arange(args.hashes, dtype=np.int64)
    started = time.perf_counter()
    index = HashIndex(hashes, ids)
    build_seconds = time.perf_counter() - started
    queries = []
    for _ in range(1000):
        query = int(hashes[rng.integers(0, args.hashes)])
        for bit in rng.choice(64, int(rng.integers(0, 11)), replace=False):
            query ^= 1 << int(bit)
        queries.append(query)
    query_ms = []
    for query in queries:
        started = time.perf_counter()
        index.search(query, 10)
        query_ms.append((time.perf_counter() - started) * 1000)
    stored, identifiers = hashes.tolist(), ids.tolist()
    loop_ms = []
    for query in queries[:20]:
        started = time.perf_counter()
        expected = brute_force_search(stored, identifiers, query, 10)
        loop_ms.append((time.perf_counter() - started) * 1000)
        assert index.search(query, 10) == expected

    results = {
        "ingest_ms_per_photo": round(statistics.median(timings), 1),
        "ingest_ms_p90": round(sorted(timings)[int(len(timings) * 0.9)], 1),
        "photo_bytes": len(photo),
        "query_p99_ms": round(float(np.percentile(query_ms, 99)), 3),
        "query_p50_ms": round(float(np.percentile(query_ms, 50)), 3),
        "python_loop_p99_ms": round(float(np.percentile(loop_ms, 99)), 1),
        "hashes": args.hashes,
        "index_build_s": round(build_seconds, 2),
    }
    write_results(args.out, results)


if __name__ == "__main__":
    main()
