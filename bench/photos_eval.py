"""Reused photos, measured (issue 14): every public image set available offline, disguised as a fraudster would.

    python bench/photos_eval.py --out bench/results/photos_eval.json [--work DIR] [--sets skimage,car_photos]

For each set, every distinct source picture gets one variant per transform (resize to half and JPEG quality 30,
crops of up to 15 %, brightness and contrast ±30 %, mirror, rotation ±15°, shear ±8°, perspective ±8°). The
sources and their variants are written to one directory, and `claimbridge photos dedupe` groups it exactly as the
command does. A pair is a duplicate when both files come from one source picture (for the shared sets: the groups of
their manifests); recall is the share of duplicate pairs put in one group, false pairs are pairs put in one group
that are not duplicates. Reported per set, per transform (the source against its variant) and over all pairs
(variant against variant included).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageEnhance, ImageOps
from results_file import write_results

from claimbridge.photos.dedupe import dedupe_directory, image_files

ROOT = Path(__file__).resolve().parents[1]
SHARED = next(
    (p for p in (ROOT.parent / "shared" / "data", ROOT / "tests" / "data") if (p / "car_photos").is_dir()), ROOT
)

Transform = Callable[[Image.Image, np.random.Generator], Image.Image]


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def _resize_q30(image: Image.Image, _rng: np.random.Generator) -> Image.Image:
    return _jpeg(image.resize((max(1, image.width // 2), max(1, image.height // 2)), Image.Resampling.LANCZOS), 30)


def _crop(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """15 % of the width and of the height cut off, split at random between the two sides."""
    w, h = image.size
    left, top = int(rng.uniform(0, 0.15) * w), int(rng.uniform(0, 0.15) * h)
    return image.crop((left, top, left + round(w * 0.85), top + round(h * 0.85)))


def _affine(image: Image.Image, matrix: np.ndarray) -> Image.Image:
    """Apply a 3×3 matrix about the picture's centre, keeping its size (corners filled black, as editors do)."""
    w, h = image.size
    centre = np.array([[1, 0, w / 2], [0, 1, h / 2], [0, 0, 1]])
    back = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]])
    inverse = np.linalg.inv(centre @ matrix @ back)
    inverse /= inverse[2, 2]
    return image.convert("RGB").transform(
        (w, h), Image.Transform.PERSPECTIVE, tuple(inverse.ravel()[:8]), Image.Resampling.BICUBIC
    )


def _shear(degrees: float) -> Transform:
    return lambda image, _rng: _affine(image, np.array([[1, math.tan(math.radians(degrees)), 0], [0, 1, 0], [0, 0, 1]]))


def _tilt(degrees: float, axis: str) -> Transform:
    """The picture seen from a camera turned by `degrees` about its vertical (or horizontal) axis."""

    def apply(image: Image.Image, _rng: np.random.Generator) -> Image.Image:
        w, h = image.size
        focal = max(w, h)
        angle = math.radians(degrees)
        c, s = math.cos(angle), math.sin(angle)
        turn = (
            np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
            if axis == "y"
            else np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
        )
        k = np.diag([focal, focal, 1.0])
        matrix = k @ turn @ np.linalg.inv(k)
        centre = matrix @ np.array([0.0, 0.0, 1.0])  # turning the camera also pans it: keep the centre in place
        shift = np.array([[1, 0, -centre[0] / centre[2]], [0, 1, -centre[1] / centre[2]], [0, 0, 1]])
        return _affine(image, shift @ matrix)

    return apply


TRANSFORMS: dict[str, Transform] = {
    "resize_half_q30": _resize_q30,
    "crop_15": _crop,
    "brightness_+30": lambda i, _r: ImageEnhance.Brightness(i.convert("RGB")).enhance(1.3),
    "brightness_-30": lambda i, _r: ImageEnhance.Brightness(i.convert("RGB")).enhance(0.7),
    "contrast_+30": lambda i, _r: ImageEnhance.Contrast(i.convert("RGB")).enhance(1.3),
    "contrast_-30": lambda i, _r: ImageEnhance.Contrast(i.convert("RGB")).enhance(0.7),
    "mirror": lambda i, _r: ImageOps.mirror(i),
    "rotate_+15": lambda i, _r: i.convert("RGB").rotate(15, Image.Resampling.BICUBIC),
    "rotate_-15": lambda i, _r: i.convert("RGB").rotate(-15, Image.Resampling.BICUBIC),
    "shear_+8": _shear(8),
    "shear_-8": _shear(-8),
    "perspective_+8": _tilt(8, "y"),
    "perspective_-8": _tilt(-8, "x"),
}


def _as_rgb(array: np.ndarray) -> Image.Image | None:
    """A sample array as an 8-bit picture, or None when it is not one (a volume, a tiny face, a label map)."""
    if array.ndim == 3 and array.shape[-1] == 4:
        array = array[..., :3]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] != 3):
        return None
    if min(array.shape[:2]) < 64:
        return None
    if array.dtype == bool:
        array = array.astype(np.uint8) * 255
    elif array.dtype != np.uint8:
        low, high = float(array.min()), float(array.max())
        array = ((array - low) / (high - low or 1) * 255).astype(np.uint8)
    return Image.fromarray(array)


def skimage_samples() -> Iterator[tuple[str, str, Image.Image]]:
    """Every picture scikit-image ships in its wheel (those it would download are left out: no network)."""
    import skimage
    from skimage import io as skio

    folder = Path(skimage.__file__).parent / "data"
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in {".png", ".jpg", ".gif", ".tif"}:
            try:
                array = skio.imread(path)
            except Exception:  # noqa: S112 - a format skimage cannot read without extra plug-ins is skipped
                continue
            if path.suffix.lower() in {".gif", ".tif"} and array.ndim >= 3 and array.shape[-1] not in (3, 4):
                array = array[0]
            image = _as_rgb(np.asarray(array))
            if image is not None:
                # chessboard_GRAY and chessboard_RGB are one picture (in grey identical); the stereo pair
                # motorcycle_left/right shows one scene from two places: two pictures, not one re-used
                yield path.stem, "chessboard" if path.stem.startswith("chessboard") else path.stem, image


def sklearn_samples() -> Iterator[tuple[str, str, Image.Image]]:
    from sklearn.datasets import load_sample_images

    bunch = load_sample_images()
    for name, array in zip(bunch.filenames, bunch.images, strict=True):
        yield Path(name).stem, Path(name).stem, Image.fromarray(array)


def matplotlib_samples() -> Iterator[tuple[str, str, Image.Image]]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "sample_data"
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in {".png", ".jpg"}:
            image = _as_rgb(np.asarray(Image.open(path).convert("RGB")))
            if image is not None:
                yield path.stem, path.stem, image
    for name in ("s1045.ima.gz",):  # a 256×256 16-bit MRI slice
        import gzip

        with gzip.open(folder / name) as packed:
            raw = np.frombuffer(packed.read(), dtype="<u2").reshape(256, 256)
        image = _as_rgb(raw.astype(np.float64))
        if image is not None:
            yield "s1045", "s1045", image


def shared_samples(folder: str) -> Iterator[tuple[str, str, Image.Image]]:
    """The shared folders, with their groups: one source per MANIFEST group (car_photos), the iPhone HDR twins as one
    (exif_samples, by its README); byte-identical copies kept once."""
    directory = SHARED / folder
    groups: dict[str, str] = {}
    manifest = directory / "MANIFEST.csv"
    if manifest.exists():
        with manifest.open() as rows:
            groups = {row["file"]: row["group"] for row in csv.DictReader(rows)}
    seen: set[bytes] = set()
    for path in image_files(directory):
        data = path.read_bytes()
        if data in seen:
            continue
        seen.add(data)
        group = groups.get(path.name, path.stem)
        if path.name.startswith("iphone_hdr_"):
            group = "iphone_hdr"
        image = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
        yield path.stem, group, image


SETS: dict[str, Callable[[], Iterator[tuple[str, str, Image.Image]]]] = {
    "skimage": skimage_samples,
    "sklearn": sklearn_samples,
    "matplotlib": matplotlib_samples,
    "car_photos": lambda: shared_samples("car_photos"),
    "exif_samples": lambda: shared_samples("exif_samples"),
}


def build_set(name: str, directory: Path, transforms: dict[str, Transform]) -> dict[str, tuple[str, str]]:
    """Write the set's sources and variants to `directory`; file name → (source group, transform or "source")."""
    rng = np.random.default_rng(14)
    truth: dict[str, tuple[str, str]] = {}
    for stem, group, image in SETS[name]():
        image = image.convert("RGB")
        if max(image.size) > 1600:  # the platform hashes a decoded copy of this size anyway
            image.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
        source = f"{stem}.png"
        image.save(directory / source)
        truth[source] = (group, "source")
        for transform, apply in transforms.items():
            variant = f"{stem}~{transform}.jpg"
            apply(image, rng).convert("RGB").save(directory / variant, quality=92)
            truth[variant] = (group, transform)
    return truth


def score(truth: dict[str, tuple[str, str]], groups: list[list[str]]) -> dict[str, Any]:
    group_of = {name: index for index, members in enumerate(groups) for name in members}
    found: set[frozenset[str]] = set()
    for members in groups:
        found.update(frozenset(pair) for pair in combinations(members, 2))
    names = sorted(truth)
    per_transform: dict[str, dict[str, int]] = {}
    per_group: dict[str, list[int]] = {}
    duplicates = recalled = false_pairs = 0
    false_examples: list[list[str]] = []
    for a, b in combinations(names, 2):
        same = truth[a][0] == truth[b][0]
        together = a in group_of and group_of.get(a) == group_of.get(b)
        if same:
            duplicates += 1
            recalled += together
            counts = per_group.setdefault(truth[a][0], [0, 0])
            counts[0] += 1
            counts[1] += together
            kinds = {truth[a][1], truth[b][1]}
            if "source" in kinds and len(kinds) == 2:
                transform = (kinds - {"source"}).pop()
                entry = per_transform.setdefault(transform, {"pairs": 0, "found": 0})
                entry["pairs"] += 1
                entry["found"] += together
        elif together:
            false_pairs += 1
            if len(false_examples) < 5:
                false_examples.append([a, b])
    return {
        "files": len(names),
        "duplicate_pairs": duplicates,
        "recall": round(recalled / duplicates, 4) if duplicates else None,
        "false_pairs": false_pairs,
        "false_pair_examples": false_examples,
        "recall_per_transform": {
            name: round(entry["found"] / entry["pairs"], 4) for name, entry in sorted(per_transform.items())
        },
        "groups_not_fully_found": {
            group: f"{found} of {pairs} pairs" for group, (pairs, found) in sorted(per_group.items()) if found < pairs
        },
        "missed_per_transform": {
            name: entry["pairs"] - entry["found"]
            for name, entry in sorted(per_transform.items())
            if entry["found"] < entry["pairs"]
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--work", help="keep the generated directories here (default: a temporary directory)")
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="photos-eval-"))
    per_set: dict[str, dict[str, Any]] = {}
    results: dict[str, Any] = {"transforms": list(TRANSFORMS), "sets": per_set}
    totals = {"duplicate_pairs": 0, "recalled": 0, "false_pairs": 0}
    for name in args.sets.split(","):
        directory = work / name
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        truth = build_set(name, directory, TRANSFORMS)
        started = time.perf_counter()
        groups = dedupe_directory(directory)["groups"]
        scored = score(truth, groups)
        scored["dedupe_seconds"] = round(time.perf_counter() - started, 1)
        scored["sources"] = sum(1 for kind in truth.values() if kind[1] == "source")
        per_set[name] = scored
        totals["duplicate_pairs"] += scored["duplicate_pairs"]
        totals["recalled"] += round((scored["recall"] or 0) * scored["duplicate_pairs"])
        totals["false_pairs"] += scored["false_pairs"]
        print(name, scored, flush=True)
    results["recall"] = round(totals["recalled"] / totals["duplicate_pairs"], 4) if totals["duplicate_pairs"] else None
    results["false_pairs"] = totals["false_pairs"]
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    write_results(args.out, results)


if __name__ == "__main__":
    main()
