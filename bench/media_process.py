"""Time and peak memory to process one 12-megapixel phone photo (4000 x 3000 JPEG with EXIF,
GPS and an orientation tag), as an upload is processed: decode, rotate upright, scale to
8.3 Mpx, re-encode without metadata, a 640 px thumbnail and a blurhash.

    .venv/bin/python bench/media_process.py [--runs 5]

Memory is measured in fresh child processes: the peak resident size (ru_maxrss) of one that
processes the photo once, minus that of one that only imports and reads the file. Pillow
allocates pixels outside Python's allocator, so tracemalloc (also shown) sees only the
Python-side copies (the bytes in and out).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from PIL import ExifTags, Image

WIDTH, HEIGHT = 4000, 3000


def make_photo(path: Path, orientation: int) -> None:
    """Photo-like content (noise over gradients compresses like a photo, unlike a flat
    colour), at quality 92 as phones save."""
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    noise = Image.effect_noise((WIDTH, HEIGHT), 60)
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "BenchCam"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (37.0, 23.0, 41.0)}
    image.save(path, "JPEG", quality=92, exif=exif)


def child(path: str, process: bool) -> None:
    from madang.media.processing import process_image

    data = Path(path).read_bytes()
    result: dict = {}
    if process:
        tracemalloc.start()
        started = time.perf_counter()
        image = process_image(data, max_pixels=33_177_600)
        result["seconds"] = time.perf_counter() - started
        result["tracemalloc_peak"] = tracemalloc.get_traced_memory()[1]
        result["original"] = [image.original.width, image.original.height, len(image.original.data)]
        result["small"] = [image.small.width, image.small.height, len(image.small.data)]
    result["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


def run_child(path: Path, process: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--process" if process else "--idle"],
                         check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "src"})
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child")
    parser.add_argument("--process", action="store_true")
    parser.add_argument("--idle", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.process)
        return
    print(f"Pillow {Image.__version__}, {os.cpu_count()} CPUs, {args.runs} runs each")
    with tempfile.TemporaryDirectory() as folder:
        for orientation in (1, 6):
            path = Path(folder) / f"photo-{orientation}.jpg"
            make_photo(path, orientation)
            idle = run_child(path, process=False)
            runs = [run_child(path, process=True) for _ in range(args.runs)]
            seconds = sorted(r["seconds"] for r in runs)
            extra = [(r["maxrss_kib"] - idle["maxrss_kib"]) / 1024 for r in runs]
            first = runs[0]
            print(f"\n12 Mpx JPEG, {path.stat().st_size / 1e6:.1f} MB, EXIF orientation {orientation}")
            print(f"  time   median {statistics.median(seconds) * 1000:.0f} ms, min {seconds[0] * 1000:.0f} ms, "
                  f"max {seconds[-1] * 1000:.0f} ms")
            print(f"  memory peak RSS above an idle process: median {statistics.median(extra):.0f} MiB "
                  f"(idle process {idle['maxrss_kib'] / 1024:.0f} MiB); tracemalloc peak "
                  f"{first['tracemalloc_peak'] / 2**20:.1f} MiB")
            w, h, size = first["original"]
            sw, sh, ssize = first["small"]
            print(f"  stored original {w}x{h} {size / 1e6:.2f} MB, small {sw}x{sh} {ssize / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
