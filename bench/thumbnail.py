"""Conversion time and peak memory for a 12-megapixel JPEG (4000 x 3000), as the Lambda would do it.

Run: ``.venv/bin/python bench/thumbnail.py``. Each measurement runs in a fresh child process so its peak RSS
(``resource.getrusage``: Pillow's pixel buffers are C allocations that ``tracemalloc`` does not see) is the
conversion's own, not the cost of building the test image. The second run disables JPEG draft decoding
(reduced-scale DCT decode) to show what it saves.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


def make_photo(path: Path) -> None:
    """A photo-like 12 MP JPEG: gradients plus sensor-like noise, so it compresses like a real one (MBs)."""
    from PIL import Image

    w, h = 4000, 3000
    red = Image.linear_gradient("L").resize((w, h))
    green = Image.radial_gradient("L").resize((w, h))
    blue = Image.effect_noise((w, h), 40)
    Image.merge("RGB", (red, green, blue)).save(path, format="JPEG", quality=90)


def child(path: str, draft: bool) -> None:
    sys.path.insert(0, str(ROOT))  # bench script run from anywhere; not a test, so no package install
    from PIL import Image

    from shared.thumbnails import make_thumbnail

    if not draft:  # Image.thumbnail itself asks for a draft too, so switch it off at the JPEG plugin
        from PIL import JpegImagePlugin

        JpegImagePlugin.JpegImageFile.draft = lambda self, mode, size: None  # type: ignore[method-assign]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        out = make_thumbnail(Path(path), "JPEG")
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    size = Image.open(io.BytesIO(out)).size
    print(f"{'draft' if draft else 'full decode':12} median {sorted(times)[RUNS // 2] * 1000:7.1f} ms  "
          f"peak RSS {peak / 1024:6.1f} MiB (+{(peak - base) / 1024:.1f} MiB over imports)  "
          f"-> {size[0]}x{size[1]}, {len(out) / 1024:.1f} KiB")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--make":
        make_photo(Path(sys.argv[2]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], draft=sys.argv[3] == "draft")
        return
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "12mp.jpg"
        # Built in a child too: Linux carries a parent's RSS high-water mark into children it spawns.
        subprocess.run([sys.executable, __file__, "--make", str(photo)], check=True)
        print(f"input: 4000x3000 JPEG, {photo.stat().st_size / 1024 / 1024:.1f} MiB; {RUNS} runs each")
        for mode in ("draft", "full"):
            subprocess.run([sys.executable, __file__, "--child", str(photo), mode], check=True)


if __name__ == "__main__":
    main()
