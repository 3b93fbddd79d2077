"""HEIF/HEIC (pillow-heif) and AVIF (Pillow's libavif) through ``analyse_image``.

Every file is encoded here from a generated picture: HEIC with pillow-heif's x265
encoder, AVIF with Pillow's aom. Both are lossy, so hashes are compared with the
source picture's within a few bits.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image

from media.heif_encode import heif_bytes
from triage_app.demo import synthetic
from triage_app.media import heif, image_decode, sniff

REPO = Path(__file__).resolve().parents[2]
FORMATS = ["HEIF", "AVIF"]
#: Hamming distance allowed between a lossy copy's pHash and the source picture's.
LOSSY_BITS = 6


def _picture(seed: int = 1, size: tuple[int, int] = (192, 144)) -> Image.Image:
    return synthetic.scene(np.random.default_rng(seed), size)


def _encode(img: Image.Image, fmt: str, orientation: int = 1, **kwargs: object) -> bytes:
    assert heif.register() is None
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneCam"
    exif[0x0110] = "PC-15"
    if fmt == "HEIF":  # pillow-heif encodes (test-only); pi-heif, the product's, decodes
        kwargs.pop("save_all", None)
        return heif_bytes(img, quality=85, exif=exif.tobytes(), **kwargs)  # type: ignore[arg-type]
    out = io.BytesIO()
    img.save(out, fmt, quality=85, exif=exif.tobytes(), **kwargs)
    return out.getvalue()


def _bits(hex_hash: str | None, img: Image.Image) -> int:
    assert hex_hash is not None
    return int(imagehash.hex_to_hash(hex_hash) - imagehash.phash(img))


@pytest.fixture(scope="module")
def encoded() -> dict[str, bytes]:
    return {fmt: _encode(_picture(), fmt) for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_decodes_and_hashes_near_the_source_picture(fmt: str, encoded: dict[str, bytes]) -> None:
    data = encoded[fmt]
    assert sniff.sniff(data[: sniff.HEAD_BYTES]) == sniff.Sniffed(sniff.IMAGE, fmt)
    assert fmt in image_decode.available_formats()
    facts = image_decode.analyse_image(data, fmt)
    assert facts.decode_status == image_decode.DECODED, facts.reason
    assert (facts.format, facts.width, facts.height, facts.frames) == (fmt, 192, 144, 1)
    assert (facts.camera_make, facts.camera_model) == ("PhoneCam", "PC-15")
    assert _bits(facts.phash, _picture()) <= LOSSY_BITS
    assert _bits(facts.phash, _picture(seed=2)) > 16  # control: another picture is far
    assert facts.thumbnail is not None and facts.thumbnail.startswith(b"\xff\xd8")
    assert facts.thumbnail_size == (192, 144)
    # A file object (a file too big to keep in memory) decodes the same.
    assert image_decode.analyse_image(io.BytesIO(data), fmt).phash == facts.phash


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_is_applied_once(fmt: str, orientation: int) -> None:
    """Stored rotated/flipped with an EXIF orientation, as a phone does: hashed upright.

    pillow-heif turns the EXIF orientation into the container's irot/imir, which libheif
    applies (and the EXIF tag reads 1 afterwards); Pillow's AVIF reports it in EXIF,
    which ``image_decode`` applies: either way exactly once.
    """
    upright = _picture(3)
    stored = synthetic.stored_for_orientation(upright, orientation)
    facts = image_decode.analyse_image(_encode(stored, fmt, orientation), fmt)
    assert facts.decode_status == image_decode.DECODED, facts.reason
    assert (facts.width, facts.height) == upright.size
    assert _bits(facts.phash, upright) <= LOSSY_BITS
    if orientation != 1:  # control: the stored pixels as they are hash far away
        assert _bits(facts.phash, stored) > LOSSY_BITS + 4


def _cuts(data: bytes) -> list[int]:
    return [12, 40, 200, len(data) // 3, len(data) // 2, len(data) - 200]


@pytest.mark.parametrize("fmt", FORMATS)
def test_truncated_files_fail_with_a_one_line_reason(fmt: str, encoded: dict[str, bytes]) -> None:
    data = encoded[fmt]
    for cut in _cuts(data):
        facts = image_decode.analyse_image(data[:cut], fmt)
        assert facts.decode_status == image_decode.FAILED, (cut, facts.reason)
        assert facts.reason is not None and "\n" not in facts.reason, cut
        assert facts.reason.startswith("corrupt image: the file ends inside its"), facts.reason
        assert "the file is truncated" in facts.reason
    last = len(data) - 20  # a picture cut in its last bytes decodes, but never as sound
    facts = image_decode.analyse_image(data[:last], fmt)
    assert facts.decode_status in (image_decode.PARTIAL, image_decode.FAILED), facts.reason
    assert facts.reason is not None and "the file is truncated" in facts.reason


@pytest.mark.parametrize("fmt", FORMATS)
def test_garbage_after_the_header_fails_in_the_decoders_words(
    fmt: str, encoded: dict[str, bytes]
) -> None:
    garbage = encoded[fmt][:40] + np.random.default_rng(5).bytes(3000)
    facts = image_decode.analyse_image(garbage, fmt)
    assert facts.decode_status == image_decode.FAILED
    assert facts.reason is not None and "\n" not in facts.reason
    assert facts.reason.startswith(f"corrupt image: {fmt} decoder: "), facts.reason


def _claiming_size(data: bytes, width: int, height: int) -> bytes:
    at = data.index(b"ispe") + 8  # the image spatial extents property: version, w, h
    return data[:at] + struct.pack(">II", width, height) + data[at + 8 :]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("side", [12_000, 50_000])
def test_oversized_claims_are_refused_before_decoding(
    fmt: str, side: int, encoded: dict[str, bytes]
) -> None:
    facts = image_decode.analyse_image(_claiming_size(encoded[fmt], side, side), fmt)
    assert facts.decode_status == image_decode.FAILED
    assert facts.reason is not None
    if fmt == "HEIF" or side == 12_000:
        assert facts.reason.startswith("rejected as a decompression bomb"), facts.reason
    else:  # libavif refuses 50,000 x 50,000 itself, while parsing
        assert facts.reason.startswith("corrupt image: AVIF decoder:"), facts.reason


def test_a_heif_collection_is_hashed_on_its_primary_image() -> None:
    first, primary = _picture(6), _picture(7)
    data = _encode(first, "HEIF", save_all=True, append_images=[primary], primary_index=1)
    facts = image_decode.analyse_image(data, "HEIF")
    assert (facts.decode_status, facts.frames) == (image_decode.DECODED, 2)
    assert _bits(facts.phash, primary) <= LOSSY_BITS < _bits(facts.phash, first)


def test_without_pillow_heif_heif_is_not_decoded(
    monkeypatch: pytest.MonkeyPatch, encoded: dict[str, bytes]
) -> None:
    monkeypatch.setattr(heif, "installed", lambda: False)
    monkeypatch.setattr(Image, "OPEN", {k: v for k, v in Image.OPEN.items() if k != "HEIF"})
    facts = image_decode.analyse_image(encoded["HEIF"], "HEIF")
    assert facts.decode_status == image_decode.NOT_DECODED
    assert facts.reason == "format not decoded: no HEIF decoder: pi-heif is not installed"
    # AVIF does not need it.
    assert image_decode.analyse_image(encoded["AVIF"], "AVIF").decode_status == "decoded"


def _run(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_pillow_heif_is_loaded_only_when_a_heif_or_avif_is_met(
    tmp_path: Path, encoded: dict[str, bytes]
) -> None:
    (tmp_path / "a.heic").write_bytes(encoded["HEIF"])
    (tmp_path / "a.jpg").write_bytes(synthetic.jpeg_bytes(_picture()))
    _run(
        "import sys\n"
        "from pathlib import Path\n"
        "from triage_app.media import image_decode, versions\n"
        "loaded = lambda: 'pi_heif' in sys.modules\n"
        "assert 'HEIF' in image_decode.available_formats() and not loaded()\n"
        "assert 'pi-heif' in versions.tool_versions() and not loaded()\n"
        f"folder = Path({str(tmp_path)!r})\n"
        "facts = image_decode.analyse_image((folder / 'a.jpg').read_bytes(), 'JPEG')\n"
        "assert facts.decode_status == 'decoded' and not loaded()\n"
        "facts = image_decode.analyse_image((folder / 'a.heic').read_bytes(), 'HEIF')\n"
        "assert facts.decode_status == 'decoded' and loaded(), facts.reason\n"
    )


def test_the_command_line_starts_without_pillow_heif() -> None:
    _run(
        "import runpy, sys\n"
        "sys.argv = ['triage', '--help']\n"
        "try:\n"
        "    runpy.run_module('triage_app.cli.main', run_name='__main__')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "heavy = {'pi_heif', '_pi_heif', 'pillow_heif', 'triage_app.media.heif'}\n"
        "heavy &= set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )


def test_one_line_and_libheif_errors() -> None:
    assert heif.one_line("Invalid input: No 'meta' box\n") == "Invalid input: No 'meta' box"
    assert heif.describe(ValueError("Invalid input: Unexpected end of file\n")) == (
        "corrupt image: HEIF decoder: Invalid input: Unexpected end of file"
    )
    assert heif.describe(RuntimeError("Unsupported feature: x")) == (
        "not decodable: HEIF decoder: Unsupported feature: x"
    )
    assert heif.describe(ValueError("something else")) is None
    assert heif.describe(OSError("Invalid input")) is None
