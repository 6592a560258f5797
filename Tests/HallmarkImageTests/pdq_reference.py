#!/usr/bin/env python3
"""Writes test images and prints their PDQ hashes by Meta's reference (the `pdqhash` package), for ImageHashTests.

    python3 Tests/HallmarkImageTests/pdq_reference.py OUTPUT_FOLDER

Writes scikit-image's sample photographs (those shipped inside the package, so nothing is downloaded) as PNG and
JPEG, copies transformed with Pillow (halved, JPEG quality 70, 25 % brighter), and a few files that exercise the
decoders (palette, 16-bit, interlaced, RGBA, CMYK and progressive). Prints one JSON object, also written to
OUTPUT_FOLDER/reference.json: "files", each with the file's name, its photograph, its variant, and the reference's
hash (64 hex digits, as Meta's reference prints it) and quality for the pixels the file holds, read back with Pillow;
"synthetic", the same for TestImages.synthetic at a few sizes.
"""

import json
import os
import struct
import sys
import zlib

import numpy as np
import pdqhash
import skimage.data
from PIL import Image, ImageEnhance, ImageFilter

# Photographs that are far apart (each pair's PDQ distance is well above 31). `camera` and `coins` are grey.
PHOTOS = ["astronaut", "camera", "coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field", "coins"]


def reference_hash(rgb):
    """The reference's hash of an RGB uint8 array, packed as Meta's reference prints it, and its quality."""
    vector, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
    # `vector` holds bit 255 first (the binding reverses the reference's bit order), so packing it most significant
    # bit first gives the reference's text: words 15 down to 0, four hex digits each.
    bits = "".join(str(int(b)) for b in vector)
    return "%064x" % int(bits, 2), int(quality)


def read_rgb(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(path, samples, bit_depth, interlaced):
    """A PNG written by hand, for what Pillow does not write: 16-bit RGB and Adam7 interlacing."""
    height, width = samples.shape[:2]
    channels = 1 if samples.ndim == 2 else samples.shape[2]
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    data = samples.astype(">u2" if bit_depth == 16 else "u1")
    if interlaced:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    else:
        passes = [(0, 0, 1, 1)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        sub = data[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        for row in sub:
            raw += b"\x00" + row.tobytes()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlaced else 0)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(png_chunk(b"IHDR", header))
        out.write(png_chunk(b"IDAT", zlib.compress(bytes(raw), 9)))
        out.write(png_chunk(b"IEND", b""))


def composite_on_white(rgba):
    """As the decoder composites: (c·a + 255·(255 − a) + 127) / 255, in integers."""
    rgba = rgba.astype(np.uint32)
    alpha = rgba[:, :, 3:4]
    return ((rgba[:, :, :3] * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    files = []

    def add(name, photo, variant, rgb=None):
        path = os.path.join(folder, name)
        digest, quality = reference_hash(read_rgb(path) if rgb is None else rgb)
        files.append({"name": name, "photo": photo, "variant": variant, "hash": digest, "quality": quality})

    for photo in PHOTOS:
        image = Image.fromarray(getattr(skimage.data, photo)())
        image.save(os.path.join(folder, photo + ".png"))
        add(photo + ".png", photo, "png")
        image.save(os.path.join(folder, photo + ".jpg"), quality=90)
        add(photo + ".jpg", photo, "jpeg")
        image.resize((image.width // 2, image.height // 2)).save(os.path.join(folder, photo + "-half.png"))
        add(photo + "-half.png", photo, "half")
        image.save(os.path.join(folder, photo + "-q70.jpg"), quality=70)
        add(photo + "-q70.jpg", photo, "jpeg70")
        ImageEnhance.Brightness(image).enhance(1.25).save(os.path.join(folder, photo + "-bright.png"))
        add(photo + "-bright.png", photo, "bright")

    # Decoder paths. The reference sees the pixels the decoder should produce.
    astronaut = Image.fromarray(skimage.data.astronaut())
    astronaut.quantize(256).save(os.path.join(folder, "astronaut-palette.png"))
    add("astronaut-palette.png", "astronaut", "palette")
    astronaut.save(os.path.join(folder, "astronaut-progressive.jpg"), quality=85, progressive=True)
    add("astronaut-progressive.jpg", "astronaut", "progressive")

    camera = skimage.data.camera()
    write_png(os.path.join(folder, "camera-16bit.png"), camera.astype(np.uint16) * 257, 16, False)
    add("camera-16bit.png", "camera", "grey16", np.stack([camera] * 3, axis=2))

    coffee = skimage.data.coffee()
    write_png(os.path.join(folder, "coffee-16bit-interlaced.png"), coffee.astype(np.uint16) * 257, 16, True)
    add("coffee-16bit-interlaced.png", "coffee", "rgb16-interlaced", coffee)

    chelsea = skimage.data.chelsea()
    write_png(os.path.join(folder, "chelsea-interlaced.png"), chelsea, 8, True)
    add("chelsea-interlaced.png", "chelsea", "interlaced", chelsea)

    logo = skimage.data.logo()
    Image.fromarray(logo, "RGBA").save(os.path.join(folder, "logo-rgba.png"))
    add("logo-rgba.png", "logo", "rgba", composite_on_white(logo))

    Image.fromarray(skimage.data.rocket()).convert("CMYK").save(os.path.join(folder, "rocket-cmyk.jpg"), quality=90)
    add("rocket-cmyk.jpg", "rocket", "cmyk")

    # Qualities below 100: a smooth grey photograph, and blurred copies of it.
    moon = Image.fromarray(skimage.data.moon())
    moon.save(os.path.join(folder, "moon.png"))
    add("moon.png", "moon", "png")
    for radius in (4, 8):
        name = "moon-blur%d.png" % radius
        moon.filter(ImageFilter.GaussianBlur(radius)).save(os.path.join(folder, name))
        add(name, "moon", "blurred")

    # The synthetic picture of TestImages.synthetic, hashed from the array (no file): sizes that hit the small-image
    # and 64×64 paths.
    synthetic = []
    for width, height in ((173, 131), (64, 64), (5, 5)):
        x = np.arange(width)[None, :].repeat(height, axis=0)
        y = np.arange(height)[:, None].repeat(width, axis=1)
        rgb = np.stack(
            [x * 255 // (width - 1), y * 255 // (height - 1), np.where((x // 16 + y // 16) % 2 == 1, 220, 20)], axis=2
        )
        digest, quality = reference_hash(rgb)
        synthetic.append({"width": width, "height": height, "hash": digest, "quality": quality})

    result = {"files": files, "synthetic": synthetic}
    with open(os.path.join(folder, "reference.json"), "w") as out:
        json.dump(result, out, indent=1)
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
