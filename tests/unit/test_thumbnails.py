"""shared.thumbnails: sizes, formats, orientation, animation, and what it refuses."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shared import thumbnails
from shared.thumbnails import UnsupportedImage, make_thumbnail


def image_bytes(
    size: tuple[int, int], fmt: str, mode: str = "RGB", color: object = (200, 30, 30), **save: object
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **save)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF"])
@pytest.mark.parametrize(("size", "expected"), [((1600, 1200), (320, 240)), ((900, 1800), (160, 320))])
def test_long_side_is_320_aspect_kept_same_format(fmt: str, size: tuple[int, int], expected: tuple[int, int]) -> None:
    thumb = opened(make_thumbnail(image_bytes(size, fmt), fmt))
    assert thumb.format == fmt
    assert thumb.size == expected


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF"])
def test_small_images_are_not_upscaled(fmt: str) -> None:
    assert opened(make_thumbnail(image_bytes((100, 60), fmt), fmt)).size == (100, 60)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display": a portrait photo stored landscape
    data = image_bytes((1600, 1200), "JPEG", exif=exif.tobytes())
    thumb = opened(make_thumbnail(data, "JPEG"))
    assert thumb.size == (240, 320)
    assert thumb.getexif().get(0x0112) in (None, 1)  # no second rotation by the viewer


def test_animated_gif_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (640, 480), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    thumb = opened(make_thumbnail(out.getvalue(), "GIF"))
    assert getattr(thumb, "n_frames", 1) == 1
    assert thumb.size == (320, 240)
    red, green, blue = thumb.convert("RGB").getpixel((10, 10))
    assert red > 200 and blue < 50 and green < 50


def test_png_keeps_transparency() -> None:
    thumb = opened(make_thumbnail(image_bytes((800, 800), "PNG", mode="RGBA", color=(0, 0, 0, 0)), "PNG"))
    assert thumb.mode == "RGBA" and thumb.getpixel((5, 5))[3] == 0


def test_same_input_gives_same_bytes() -> None:
    data = image_bytes((1000, 700), "JPEG")
    assert make_thumbnail(data, "JPEG") == make_thumbnail(data, "JPEG")


def test_accepts_a_path(tmp_path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(image_bytes((700, 700), "PNG"))
    assert opened(make_thumbnail(path, "PNG")).size == (320, 320)


@pytest.mark.parametrize("data", [b"", b"not an image at all", image_bytes((50, 50), "JPEG")[:40]])
def test_corrupt_input_raises(data: bytes) -> None:
    with pytest.raises(UnsupportedImage):
        make_thumbnail(data, "JPEG")


def test_a_png_named_jpeg_is_refused() -> None:
    with pytest.raises(UnsupportedImage, match="JPEG"):
        make_thumbnail(image_bytes((50, 50), "PNG"), "JPEG")


def test_decompression_bomb_is_refused_before_decoding() -> None:
    # 10000 x 10000 = 100 MP of one colour: a few hundred KB on disk, 300 MB once decoded.
    bomb = image_bytes((10_000, 10_000), "PNG", mode="L", color=0)
    assert len(bomb) < 1_000_000
    with pytest.raises(UnsupportedImage, match="pixel limit"):
        make_thumbnail(bomb, "PNG")


@pytest.mark.parametrize(("key", "fmt"), [("a/b.JPG", "JPEG"), ("x.jpeg", "JPEG"), ("x.png", "PNG"), ("x.gif", "GIF")])
def test_format_for_key(key: str, fmt: str) -> None:
    assert thumbnails.format_for_key(key) == fmt


@pytest.mark.parametrize("key", ["x.pdf", "x.webp", "noext", "x.jpg.exe"])
def test_other_extensions_are_refused(key: str) -> None:
    with pytest.raises(UnsupportedImage, match="unsupported file type"):
        thumbnails.format_for_key(key)
