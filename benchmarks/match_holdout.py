"""Tuning set versus held-out set for the near-match rule, with overlays and flat pictures.

    python benchmarks/match_holdout.py [--originals 24] [--distractors 60]

Both sets are built the same way but from disjoint seeds, photographs and
overlay texts, so nothing in the held-out set was seen while the thresholds
were chosen. Each holds three classes of originals:

* ``scene``  synthetic scenes and crops of scikit-image sample photographs;
* ``flat``   mostly flat pictures (a gradient page with faint marks, a
             document-like page): their dHash is low-information, which the
             rule must not take as a veto;
* ``overlay`` pictures whose copies carry a logo or watermark over part of
             the picture.

Every original is listed the way this product lists it (its full bundle plus
PDQ); copies are made by recompression, resizing, greyscale, 1-bit, palette,
rotation/flip, logo/watermark overlays and a caption bar, then hashed through
the ingest's own decoder. The decision is the product's: the 64-bit rule
(:func:`triage_app.matching.near_match.is_near_match` over the query
variants) or PDQ within 31 bits at quality >= 50 over the eight turns.

Printed per set: recall per class and transformation, false positives over
every (copy or distractor, unrelated original) pair. The tuning set also
sweeps ``phash_alone`` (the pHash threshold without a usable dHash), the
one threshold chosen with this benchmark; the held-out set is evaluated once
at the defaults.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import skimage
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage_app.demo import synthetic
from triage_app.matching import near_match as nm
from triage_app.media import image_decode
from triage_app.media.pdq_names import DIHEDRAL_KEY, PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY

SKIMAGE_DATA = Path(skimage.__file__).resolve().parent / "data"
#: Photographs per set (disjoint); crops of them are originals of class ``scene``.
PHOTOS = {
    "tuning": ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg"),
    "held-out": ("motorcycle_left.png", "hubble_deep_field.jpg", "ihc.png", "horse.png"),
}
SEEDS = {"tuning": 1_000, "held-out": 9_000}
LOGO_TEXT = {"tuning": "SHARED", "held-out": "(c) example.net"}


@dataclass(frozen=True, slots=True)
class Hashed:
    """What the ingest records of one picture, as the rule reads it."""

    variants: list[dict[str, str]]
    bundle: dict[str, str]
    pdq: list[int]
    pdq_quality: int


def hashed(img: Image.Image) -> Hashed:
    out = io.BytesIO()
    img.convert("RGB").save(out, "PNG")
    facts = image_decode.analyse_image(out.getvalue(), "PNG")
    turned = [facts.pdq or "0" * 64, *facts.hash_bundle.get(DIHEDRAL_KEY, [])]
    return Hashed(
        list(facts.hash_bundle.get("variants") or []),
        dict(facts.hash_bundle.get("bundle") or {}),
        [int(h, 16) for h in turned],
        int(facts.pdq_quality or 0),
    )


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default()


def gradient_page(rng: np.random.Generator) -> Image.Image:
    """A left-to-right gradient with soft marks: dHash all (or nearly all) ones.

    The marks are what tells two such pages apart; with faint ones (+-18 grey
    levels, tried first) two pages are the same picture to the eye and to
    every hash, and the pair counted as a false positive said nothing.
    """
    w, h = 600, 450
    ramp = np.linspace(235, 60 + rng.uniform(0, 40), w)[None, :].repeat(h, 0)
    img = Image.fromarray(ramp.astype(np.uint8)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(4, 9))):
        x, y = int(rng.integers(0, w - 80)), int(rng.integers(0, h - 40))
        shade = int(rng.choice([-1, 1]) * rng.integers(35, 70))
        base = img.getpixel((x, y))
        fill = tuple(int(np.clip(c + shade, 0, 255)) for c in base)  # type: ignore[union-attr]
        draw.ellipse(
            [x, y, x + int(rng.integers(30, 120)), y + int(rng.integers(20, 80))], fill=fill
        )
    return img.filter(ImageFilter.GaussianBlur(3))


def document(rng: np.random.Generator) -> Image.Image:
    """A white page with lines of dark text and a box (a scan-like picture)."""
    img = Image.new("RGB", (500, 680), (250, 250, 246))
    draw = ImageDraw.Draw(img)
    font = _font(16)
    y = 40
    while y < 620:
        letters = [
            rng.integers(97, 123, int(rng.integers(2, 9))) for _ in range(int(rng.integers(3, 9)))
        ]
        words = " ".join("".join(chr(int(c)) for c in word) for word in letters)
        draw.text((40 + int(rng.integers(0, 30)), y), words, fill=(30, 30, 30), font=font)
        y += int(rng.integers(22, 40))
    x0, y0 = int(rng.integers(40, 300)), int(rng.integers(60, 500))
    draw.rectangle([x0, y0, x0 + 140, y0 + 90], outline=(20, 20, 20), width=3)
    return img


def originals(kind: str) -> list[tuple[str, str, Image.Image]]:
    """(class, name, picture) originals of one set."""
    rng = np.random.default_rng(SEEDS[kind])
    out: list[tuple[str, str, Image.Image]] = []
    for i in range(6):
        out.append(("scene", f"scene-{i}", synthetic.scene(rng, (640, 480))))
    for name in PHOTOS[kind]:
        with Image.open(SKIMAGE_DATA / name) as opened:
            photo = opened.convert("RGB")
        w, h = photo.size
        out.append(("scene", name, photo.crop((0, 0, w * 3 // 4, h * 3 // 4))))
    for i in range(4):
        out.append(("flat", f"gradient-{i}", gradient_page(rng)))
        out.append(("flat", f"document-{i}", document(rng)))
    for i in range(6):
        out.append(("overlay", f"overlaid-{i}", synthetic.scene(rng, (640, 480))))
    return out


def distractors(kind: str, count: int) -> list[Image.Image]:
    rng = np.random.default_rng(SEEDS[kind] + 500)
    out = [synthetic.scene(rng, (500, 375)) for _ in range(count // 2)]
    out += [gradient_page(rng) for _ in range(count // 4)]
    out += [document(rng) for _ in range(count - len(out))]
    return out


def logo(img: Image.Image, rng: np.random.Generator, text: str) -> Image.Image:
    """An opaque logo box with text over 8-15 % of the picture, in a random corner."""
    out = img.convert("RGB").copy()
    w, h = out.size
    bw, bh = int(w * rng.uniform(0.25, 0.38)), int(h * rng.uniform(0.25, 0.38))
    x = 0 if rng.random() < 0.5 else w - bw
    y = 0 if rng.random() < 0.5 else h - bh
    draw = ImageDraw.Draw(out)
    draw.rectangle([x, y, x + bw, y + bh], fill=(250, 250, 250))
    draw.text((x + 6, y + bh // 3), text, fill=(200, 20, 20), font=_font(max(10, bh // 4)))
    return out


def watermark(img: Image.Image, rng: np.random.Generator, text: str) -> Image.Image:
    base = img.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(max(12, base.size[1] // 8))
    draw.text((base.size[0] * 0.1, base.size[1] * rng.uniform(0.3, 0.6)), text,
              fill=(255, 255, 255, int(rng.integers(90, 140))), font=font)  # fmt: skip
    return Image.alpha_composite(base, layer).convert("RGB")


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


Make = Callable[[Image.Image, np.random.Generator, str], Image.Image]
TRANSFORMS: dict[str, Make] = {
    "jpeg-30": lambda i, r, t: _jpeg(i, 30),
    "half": lambda i, r, t: _jpeg(i.resize((i.width // 2, i.height // 2)), 80),
    "grey": lambda i, r, t: i.convert("L"),
    "1-bit": lambda i, r, t: i.convert("1"),
    "palette": lambda i, r, t: i.convert("P", palette=Image.Palette.ADAPTIVE, colors=64),
    "rot90": lambda i, r, t: _jpeg(i.transpose(Image.Transpose.ROTATE_90), 80),
    "mirror": lambda i, r, t: _jpeg(i.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 80),
    "logo": lambda i, r, t: _jpeg(logo(i, r, t), 80),
    "watermark": lambda i, r, t: _jpeg(watermark(i, r, t), 80),
}
#: Overlay originals get only overlay copies (plus a recompression), the others all but them.
OVERLAYS = ("logo", "watermark")


def decide(query: Hashed, known: Hashed, thresholds: nm.NearMatchThresholds) -> str | None:
    """Which rule matched (``"64-bit"``, ``"pdq"``), or None."""
    if query.variants and nm.is_near_match(query.variants, known.bundle, thresholds)[0]:
        return "64-bit"
    good = query.pdq_quality >= PDQ_MIN_QUALITY and known.pdq_quality >= PDQ_MIN_QUALITY
    if good and min((q ^ known.pdq[0]).bit_count() for q in query.pdq) <= PDQ_MATCH_DISTANCE:
        return "pdq"
    return None


@dataclass(slots=True)
class SetResult:
    recall: dict[tuple[str, str], list[int]]
    false_positives: int
    pairs: int
    by_rule: dict[str, int]


def foreign(entry: Hashed) -> Hashed:
    """An entry as another tool's list carries it: pHash and dHash only, no PDQ."""
    kept = {k: v for k, v in entry.bundle.items() if k in ("phash", "dhash")}
    return Hashed([], kept, [0], 0)


def evaluate(kind: str, n_distractors: int, thresholds: nm.NearMatchThresholds,
             cache: dict[str, object], view: Callable[[Hashed], Hashed] | None = None,
             ) -> SetResult:  # fmt: skip
    if kind not in cache:
        rng = np.random.default_rng(SEEDS[kind] + 1)
        origs = originals(kind)
        entries = [(cls, name, hashed(img)) for cls, name, img in origs]
        copies: list[tuple[int, str, Hashed]] = []
        for pos, (cls, _name, img) in enumerate(origs):
            names = ["jpeg-30", *OVERLAYS] if cls == "overlay" else [
                n for n in TRANSFORMS if n not in OVERLAYS]  # fmt: skip
            for tname in names:
                copies.append((pos, tname, hashed(TRANSFORMS[tname](img, rng, LOGO_TEXT[kind]))))
        others = [hashed(img) for img in distractors(kind, n_distractors)]
        cache[kind] = (entries, copies, others)
    entries, copies, others = cache[kind]  # type: ignore[misc]
    if view is not None:
        entries = [(c, n, view(h)) for c, n, h in entries]
    result = SetResult(defaultdict(lambda: [0, 0]), 0, 0, defaultdict(int))
    for pos, tname, query in copies:
        cls = entries[pos][0]
        rule = decide(query, entries[pos][2], thresholds)
        cell = result.recall[(cls, tname)]
        cell[1] += 1
        if rule:
            cell[0] += 1
            result.by_rule[rule] += 1
        for other, (_c, _n, known) in enumerate(entries):
            if other == pos:
                continue
            result.pairs += 1
            result.false_positives += decide(query, known, thresholds) is not None
    for query in others:
        for _c, _n, known in entries:
            result.pairs += 1
            result.false_positives += decide(query, known, thresholds) is not None
    return result


def report(kind: str, result: SetResult) -> str:
    lines = [f"== {kind} set"]
    classes = sorted({c for c, _ in result.recall})
    total = [0, 0]
    for cls in classes:
        cells = {t: v for (c, t), v in result.recall.items() if c == cls}
        found, n = sum(v[0] for v in cells.values()), sum(v[1] for v in cells.values())
        total[0] += found
        total[1] += n
        detail = "  ".join(f"{t} {v[0]}/{v[1]}" for t, v in sorted(cells.items()))
        lines.append(f"  {cls:8s} recall {found}/{n}   {detail}")
    lines.append(f"  all      recall {total[0]}/{total[1]} = {total[0] / max(1, total[1]):.3f}")
    lines.append(f"  matched by: {dict(result.by_rule)}")
    lines.append(f"  false positives: {result.false_positives} of {result.pairs} unrelated pairs")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--distractors", type=int, default=60)
    args = parser.parse_args(argv)
    if not 4 <= args.distractors <= 10_000:
        parser.error("--distractors must be 4..10000")
    cache: dict[str, object] = {}
    defaults = nm.DEFAULT_THRESHOLDS
    print("== tuning: phash_alone sweep against pHash+dHash-only entries (flat class, FPs)")
    for alone in (0, 4, 6, 8, 10, 12):
        rule = replace(defaults, phash_alone=alone)
        r = evaluate("tuning", args.distractors, rule, cache, foreign)
        flat = [v for (c, _t), v in r.recall.items() if c == "flat"]
        print(f"  phash_alone {alone:2d}: flat {sum(v[0] for v in flat)}/{sum(v[1] for v in flat)}"
              f"  false positives {r.false_positives}")  # fmt: skip
    for kind in ("tuning", "held-out"):
        print(report(f"{kind} (entries: this product's lists, bundle + PDQ)",
                     evaluate(kind, args.distractors, defaults, cache)))  # fmt: skip
        print(report(f"{kind} (entries: other tools' lists, pHash + dHash only)",
                     evaluate(kind, args.distractors, defaults, cache, foreign)))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
