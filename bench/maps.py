"""County maps without tiles (issue 13, item 5): what drawing one costs a page, beside a yardstick in the same run.

    python bench/maps.py --out bench/results/maps.json [--boundaries FILE] [--repeat 200]

Measured on one core: building the map from a loaded boundary index (simplify, convert to WGS-84, project and
encode, done once per boundary file and cached), and rendering the `{% county_map %}` tag as a page does (the whole
coverage for the service directory, one county with a pin for the case page, the pickable form), against the
yardstick of `json.loads` of the same boundary file — what any page would pay if it shipped the GeoJSON instead.
Bytes are the rendered HTML of the map, raw and gzip-compressed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from results_file import write_results

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "tests" / "data" / "gansu_longnan_tianshui_counties.geojson"


def timed(work: Callable[[], object], repeat: int) -> dict[str, float]:
    work()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(samples), 4), "p95_ms": round(sorted(samples)[int(0.95 * repeat)], 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--boundaries", default=str(BOUNDARIES))
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import sys

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.template import Context, Template

    from claimbridge.organisations.maps import map_of_index
    from claimbridge.organisations.templatetags.maps import county_map_data
    from claimbridge.rules.geography import CountyIndex

    settings.COUNTY_BOUNDARIES_FILE = args.boundaries
    text = Path(args.boundaries).read_text(encoding="utf-8")
    index = CountyIndex.from_file(args.boundaries)
    builds = max(5, args.repeat // 20)
    assert county_map_data() is not None

    pages: dict[str, tuple[str, dict[str, object]]] = {
        "directory_whole": ("{% county_map county='621202' link='/directory/' whole=True %}", {}),
        "case_county_with_pin": (
            "{% county_map county='621202' pin=pin card=True %}",
            {"pin": {"latitude": 33.395, "longitude": 104.923, "crs": "wgs84"}},
        ),
        "report_form_pickable": ("{% county_map pickable=True %}", {}),
    }
    results: dict[str, object] = {
        "boundaries_bytes": len(text.encode()),
        "yardstick_json_loads": timed(lambda: json.loads(text), args.repeat),
        "build_map_once_per_file": timed(lambda: map_of_index(index), builds),
    }
    for name, (source, context) in pages.items():
        template = Template("{% load maps %}" + source)
        html = template.render(Context(context))

        def render(template: Template = template, context: dict[str, object] = context) -> str:
            return template.render(Context(context))

        results[f"render_{name}"] = {
            **timed(render, args.repeat),
            "bytes": len(html.encode()),
            "gzip_bytes": len(gzip.compress(html.encode())),
        }
    yardstick = results["yardstick_json_loads"]["median_ms"]  # type: ignore[index]
    results["render_vs_yardstick"] = {
        name: round(results[f"render_{name}"]["median_ms"] / yardstick, 3)  # type: ignore[index]
        for name in pages
    }
    write_results(args.out, results)


if __name__ == "__main__":
    main()
