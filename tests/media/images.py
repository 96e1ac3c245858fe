"""Test images made with Pillow in the test itself: photos with EXIF, GPS and an orientation
tag, bombs, liars and truncated files. No binary fixtures."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, PngImagePlugin

# 안양시청's neighbourhood, as a phone would write it.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (37.0, 23.0, 41.0),
    ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (126.0, 55.0, 35.0),
}


def phone_jpeg(width: int = 400, height: int = 300, *, orientation: int = 6) -> bytes:
    """A landscape-stored photo whose EXIF says "rotate 90° clockwise to view" (6), with a
    camera make, a GPS position and a comment. Its top-left quarter is red, the rest blue,
    so the applied rotation can be seen in the pixels."""
    image = Image.new("RGB", (width, height), (20, 40, 220))
    image.paste((230, 20, 20), (0, 0, width // 2, height // 2))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "MadangCam"
    exif[ExifTags.Base.Model] = "Phone 1"
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home", quality=95)
    return out.getvalue()


def png_with_metadata(width: int = 120, height: int = 80) -> bytes:
    image = Image.new("RGBA", (width, height), (10, 200, 10, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "집 주소: 안양시 만안구")
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=exif)
    return out.getvalue()


def webp(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    Image.new("RGB", (width, height), (200, 200, 0)).save(out, "WEBP", exif=exif)
    return out.getvalue()


def animated_gif(frames: int = 4, size: int = 32) -> bytes:
    images = [Image.new("RGB", (size, size), (i * 60 % 256, 0, 255 - i * 60 % 256)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=120, loop=0,
                   comment=b"made at home")
    return out.getvalue()


def png_bomb(side: int = 5000) -> bytes:
    """A real decompression bomb: ``side`` x ``side`` black pixels in a few kilobytes."""
    out = io.BytesIO()
    Image.new("L", (side, side)).save(out, "PNG", optimize=True)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge size (CRC fixed, so it looks valid)."""
    data = bytearray(png_with_metadata(8, 8))
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    data[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr - 4:ihdr + 13]))
    data[ihdr + 13:ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def tiff() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(out, "TIFF")
    return out.getvalue()


def html_named_jpeg() -> bytes:
    return b"<html><script>alert('hi')</script></html>"


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def exif_and_gps(data: bytes) -> tuple[dict, dict, dict]:
    """(EXIF tags, GPS tags, other info keys) of an image file, as Pillow reads them."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return dict(exif), dict(exif.get_ifd(ExifTags.IFD.GPSInfo)), {
        k: v for k, v in image.info.items() if k in ("exif", "xmp", "comment", "icc_profile", "Comment")
    }
