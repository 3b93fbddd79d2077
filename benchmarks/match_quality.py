"""Near-match quality of plain pHash (+dHash) versus the perceptual bundle, in one run.

    python benchmarks/match_quality.py [--size small|full] [--no-timing]

Builds a corpus offline (synthetic scenes, smooth colour fields, textures and
shape compositions from seeds, plus crops of the sample photographs shipped
inside scikit-image's ``skimage/data`` folder; no downloads), derives copies of
every original by the transformations that sharing applies, and prints:

* recall per transformation and false positives (distractor x original pairs
  and transformed-original x other-original pairs) for
  ``plain``  the item's pHash within 12 of the entry's, confirmed by dHash
             within 12 (also at a peer-like 6/6), and
  ``bundle`` :func:`triage_app.matching.near_match.is_near_match` over
             :func:`~triage_app.media.perceptual.query_variants`,
  with ablations that show what each part of the bundle buys, and a PDQ-like
  256-bit hash (tried, dropped) for comparison;
* distance distributions (min/median/max per transformation of the best
  pHash distance and its confirming dHash distance; the smallest distances
  seen between unrelated images);
* a threshold sweep, from which the defaults were chosen;
* compute time of the bundle and the query variants relative to
  ``imagehash.phash`` alone (shared machines are noisy: compare ratios).

``tests/matching/test_near_match.py`` imports this module for its (smaller)
corpus and its evaluation (``tests/media/test_perceptual.py`` for its
originals); the decisions it asserts on are made by ``is_near_match`` itself
(the vectorised distances here only pick the candidate pairs, exactly as the
64-bit index would).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import imagehash
import numpy as np
import skimage
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage_app.demo import synthetic
from triage_app.matching import near_match as nm
from triage_app.media import bundle_keys as bk
from triage_app.media import image_decode
from triage_app.media import perceptual as pm

SKIMAGE_DATA = Path(skimage.__file__).resolve().parent / "data"
#: Photographs whose crops are originals (each crop a different original).
ORIGINAL_PHOTOS = (
    "astronaut.png",
    "camera.png",
    "coffee.png",
    "chelsea.png",
    "rocket.jpg",
    "motorcycle_left.png",
    "hubble_deep_field.jpg",
    "ihc.png",
    "horse.png",
    "page.png",
    "coins.png",
    "brick.png",
)
#: Photographs used only as distractors (whole and cropped). Left out of both:
#: motorcycle_right.png (the stereo twin of motorcycle_left.png, a true near
#: duplicate) and the 2-pixel multipage/tiny-GIF samples.
DISTRACTOR_PHOTOS = (
    "grass.png",
    "gravel.png",
    "text.png",
    "moon.png",
    "cell.png",
    "clock_motion.png",
    "color.png",
    "logo.png",
    "phantom.png",
    "chessboard_RGB.png",
    "microaneurysms.png",
    "retina.jpg",
)
#: Every transformed copy is re-encoded like this before it is hashed.
SHARE_QUALITY = 85
FIRST = "first"
SECOND = "second"


@dataclass(frozen=True, slots=True)
class CorpusSize:
    """How many of each generated kind, and whether face thumbnails join the distractors."""

    scenes: int
    generated: int
    distractor_scenes: int
    photo_grid: int
    faces: int


SIZES = {
    "small": CorpusSize(scenes=12, generated=4, distractor_scenes=12, photo_grid=2, faces=0),
    "full": CorpusSize(scenes=40, generated=12, distractor_scenes=40, photo_grid=2, faces=60),
}


# -- generators ------------------------------------------------------------------


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    r, g, b = (int(v) for v in rng.integers(0, 256, 3))
    return (r, g, b)


def smooth_field(rng: np.random.Generator, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A colour 'gradient': four random plane waves of low frequency summed."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    acc = np.zeros((h, w, 3), np.float32)
    for _ in range(4):
        fx, fy = rng.uniform(-3, 3, 2)
        phase = rng.uniform(0, 2 * np.pi)
        wave = np.cos(2 * np.pi * (fx * xx / w + fy * yy / h) + phase)
        acc += wave[..., None] * rng.uniform(-80, 80, 3).astype(np.float32)
    acc += rng.uniform(60, 200, 3).astype(np.float32)
    return Image.fromarray(np.clip(acc, 0, 255).astype(np.uint8), "RGB")


def _blobs(rng: np.random.Generator, size: tuple[int, int], scale: float) -> Image.Image:
    w, h = size
    grid = rng.integers(0, 256, (max(2, int(h / scale)), max(2, int(w / scale)), 3))
    small = Image.fromarray(grid.astype(np.uint8), "RGB")
    return small.resize(size, Image.Resampling.BICUBIC)


def texture(rng: np.random.Generator, size: tuple[int, int] = (400, 400)) -> Image.Image:
    """A noise texture: coarse colour blobs with finer ones blended in."""
    scale = float(rng.uniform(12, 40))
    return Image.blend(_blobs(rng, size, scale), _blobs(rng, size, scale / 3), 0.3)


def shapes(rng: np.random.Generator, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A few outlined rectangles and ellipses on a plain background."""
    w, h = size
    img = Image.new("RGB", size, _colour(rng))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(3, 8))):
        x0, y0 = int(rng.integers(0, w - 40)), int(rng.integers(0, h - 40))
        x1, y1 = x0 + int(rng.integers(30, w // 2)), y0 + int(rng.integers(30, h // 2))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=_colour(rng))
        else:
            draw.rectangle([x0, y0, x1, y1], fill=_colour(rng), outline=(0, 0, 0), width=3)
    return img


def photo(name: str) -> Image.Image:
    """A sample photograph from the installed scikit-image package, normalised to RGB."""
    with Image.open(SKIMAGE_DATA / name) as img:
        img.load()
        return image_decode.normalise(img).convert("RGB")


def grid_crops(img: Image.Image, n: int) -> list[Image.Image]:
    """Non-overlapping n x n crops; small ones are scaled up to at least 300 pixels."""
    w, h = img.size
    cw, ch = w // n, h // n
    out = []
    for j in range(n):
        for i in range(n):
            crop = img.crop((i * cw, j * ch, (i + 1) * cw, (j + 1) * ch))
            if max(crop.size) < 300:
                crop = synthetic.resize(crop, 300 / max(crop.size))
            out.append(crop)
    return out


def faces(count: int) -> list[Image.Image]:
    """Face thumbnails from skimage's bundled LFW subset, scaled up (distractors only)."""
    stack = np.load(SKIMAGE_DATA / "lfw_subset.npy", allow_pickle=False)[:count]
    out = []
    for face in stack:
        img = Image.fromarray((face * 255).astype(np.uint8), "L").convert("RGB")
        out.append(img.resize((200, 200), Image.Resampling.BICUBIC))
    return out


Named = list[tuple[str, Image.Image]]


def build_corpus(size: CorpusSize) -> tuple[Named, Named]:
    """Originals and distractors; no two originals share content."""
    originals: Named = []
    distractors: Named = []
    shapes_cycle = [(640, 480), (480, 640), (500, 375), (400, 400)]
    for s in range(size.scenes):
        img = synthetic.scene(np.random.default_rng(s), shapes_cycle[s % 4])
        originals.append((f"scene-{s}", img))
    for s in range(size.distractor_scenes):
        img = synthetic.scene(np.random.default_rng(10_000 + s), (500, 375))
        distractors.append((f"scene-{10_000 + s}", img))
    generators: list[tuple[str, Callable[[np.random.Generator], Image.Image]]] = [
        ("field", smooth_field),
        ("texture", texture),
        ("shapes", shapes),
    ]
    for s in range(size.generated):
        for kind, make in generators:
            originals.append((f"{kind}-{s}", make(np.random.default_rng(20_000 + s))))
            distractors.append((f"{kind}-{30_000 + s}", make(np.random.default_rng(30_000 + s))))
    for name in ORIGINAL_PHOTOS:
        for i, crop in enumerate(grid_crops(photo(name), size.photo_grid)):
            originals.append((f"{name}#{i}", crop))
    for name in DISTRACTOR_PHOTOS:
        whole = photo(name)
        distractors.append((name, whole))
        for i, crop in enumerate(grid_crops(whole, 2)):
            distractors.append((f"{name}#{i}", crop))
    for i, face in enumerate(faces(size.faces)):
        distractors.append((f"lfw-{i}", face))
    return originals, distractors


# -- transformations --------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except ImportError:  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def share(img: Image.Image) -> Image.Image:
    """Re-encode as sharing does (JPEG at ``SHARE_QUALITY``)."""
    return synthetic.recompress(img, SHARE_QUALITY)


def crop_sides(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Cut 2-5 % (drawn per side) from every side."""
    w, h = img.size
    left, top, right, bottom = rng.uniform(0.02, 0.05, 4)
    box = (round(w * left), round(h * top), w - round(w * right), h - round(h * bottom))
    return img.crop(box)


def add_border(img: Image.Image, rng: np.random.Generator, colour: str) -> Image.Image:
    """A uniform border of 5-10 % of each side, black, white or a random colour."""
    fill = {"black": (0, 0, 0), "white": (255, 255, 255)}.get(colour) or _colour(rng)
    return synthetic.border(img, float(rng.uniform(0.05, 0.10)), fill)


def caption_bar(img: Image.Image, rng: np.random.Generator, where: str) -> Image.Image:
    """A dark or light bar of 10-15 % of the height with text, over the top or bottom."""
    out = img.copy()
    w, h = out.size
    bar = round(h * rng.uniform(0.10, 0.15))
    dark = bool(rng.random() < 0.5)
    y0 = 0 if where == "top" else h - bar
    draw = ImageDraw.Draw(out)
    draw.rectangle([0, y0, w, y0 + bar], fill=(20, 20, 20) if dark else (235, 235, 235))
    ink = (240, 240, 240) if dark else (15, 15, 15)
    draw.text(
        (w * 0.04, y0 + bar * 0.15), "shared via example", fill=ink, font=_font(int(bar * 0.6))
    )
    return out


def watermark(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Semi-transparent text across the middle (alpha 70-120 of 255)."""
    base = img.convert("RGBA")
    w, h = base.size
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(max(10, h // 9))
    alpha = int(rng.integers(70, 120))
    ink = (255, 255, 255, alpha) if rng.random() < 0.5 else (0, 0, 0, alpha)
    text = "(c) example watermark"
    draw.text(
        ((w - draw.textlength(text, font=font)) / 2, h * rng.uniform(0.35, 0.6)),
        text,
        fill=ink,
        font=font,
    )
    return Image.alpha_composite(base, layer).convert("RGB")


@dataclass(frozen=True, slots=True)
class Transform:
    """A named derivation of a copy from an original."""

    name: str
    group: str  # FIRST or SECOND
    make: Callable[[Image.Image, np.random.Generator], Image.Image] | None
    orientation: int = 1  # EXIF rows: decoded through the ingest instead of ``make``


def _t(name: str, make: Callable[[Image.Image, np.random.Generator], Image.Image]) -> Transform:
    return Transform(name, FIRST, lambda img, rng: share(make(img, rng)))


TRANSFORMS: tuple[Transform, ...] = (
    *(
        Transform(f"jpeg-q{q}", FIRST, lambda img, rng, q=q: synthetic.recompress(img, q))
        for q in (50, 70, 90)
    ),
    *(_t(f"resize-{f}", lambda img, rng, f=f: synthetic.resize(img, f)) for f in (0.5, 0.33, 1.5)),
    _t("greyscale", lambda img, rng: synthetic.greyscale(img)),
    *(
        _t(f"brightness-{f}", lambda img, rng, f=f: synthetic.brightness(img, f))
        for f in (0.8, 1.2)
    ),
    *(_t(f"contrast-{f}", lambda img, rng, f=f: synthetic.contrast(img, f)) for f in (0.8, 1.2)),
    _t("crop-2-5%", crop_sides),
    *(
        _t(f"border-{c}", lambda img, rng, c=c: add_border(img, rng, c))
        for c in ("black", "white", "colour")
    ),
    *(
        _t(f"caption-{p}", lambda img, rng, p=p: caption_bar(img, rng, p))
        for p in ("top", "bottom")
    ),
    _t("watermark", watermark),
    *(Transform(f"exif-{o}", FIRST, None, o) for o in range(2, 9)),
    Transform("mirror", SECOND, lambda img, rng: share(synthetic.mirror(img))),
    *(
        Transform(f"rotate-{a}", SECOND, lambda img, rng, t=t: share(img.transpose(t)))
        for a, t in (
            (90, Image.Transpose.ROTATE_90),
            (180, Image.Transpose.ROTATE_180),
            (270, Image.Transpose.ROTATE_270),
        )
    ),
)


def exif_item(img: Image.Image, orientation: int) -> tuple[Image.Image, image_decode.ImageFacts]:
    """Store the original as a camera would with ``orientation``; decode it like the ingest.

    Returns the displayed (oriented, normalised) image and the ingest's facts.
    """
    data = synthetic.exif_jpeg(
        synthetic.stored_for_orientation(img, orientation), orientation=orientation
    )
    facts = image_decode.analyse_image(data, "JPEG")
    with Image.open(io.BytesIO(data)) as raw:
        shown = ImageOps.exif_transpose(raw)
        assert shown is not None
        decoded = image_decode.normalise(shown)
    return decoded, facts


# -- hashing and evaluation -------------------------------------------------------

Variants = list[dict[str, str]]


@dataclass(slots=True)
class Query:
    """A case item: a transformed original (``owner`` >= 0) or a distractor (-1)."""

    owner: int
    transform: str
    group: str
    variants: Variants
    plain: dict[str, str]  # the item's own phash/dhash, as the ingest records them
    ingest_phash: str | None = None  # EXIF rows: what analyse_image recorded


@dataclass(slots=True)
class Corpus:
    """Everything measured: originals' bundles, queries, names."""

    names: list[str]
    bundles: list[dict[str, str]]
    queries: list[Query]
    distractor_names: list[str] = field(default_factory=list)


def build_queries(originals: Named, distractors: Named) -> Corpus:
    """Bundle every original, and hash every transformed copy and every distractor."""
    bundles = [pm.compute_bundle(img) for _, img in originals]
    queries: list[Query] = []
    for index, (_, img) in enumerate(originals):
        rng = np.random.default_rng(index)
        for tr in TRANSFORMS:
            ingest_phash = None
            if tr.make is None:
                item, facts = exif_item(img, tr.orientation)
                assert facts.phash is not None and facts.dhash is not None
                plain = {bk.PHASH: facts.phash, bk.DHASH: facts.dhash}
                ingest_phash = facts.phash
            else:
                item = tr.make(img, rng)
                plain = {bk.PHASH: str(imagehash.phash(item)), bk.DHASH: str(imagehash.dhash(item))}
            queries.append(
                Query(index, tr.name, tr.group, pm.query_variants(item), plain, ingest_phash)
            )
    for name, img in distractors:
        plain = {bk.PHASH: str(imagehash.phash(img)), bk.DHASH: str(imagehash.dhash(img))}
        queries.append(Query(-1, name, "distractor", pm.query_variants(img), plain))
    return Corpus([n for n, _ in originals], bundles, queries, [n for n, _ in distractors])


U64 = NDArray[np.uint64]
_FAMILIES = (bk.WHOLE_FAMILY, bk.CENTRE_FAMILY)
_MISSING = 255


def _u64(values: Sequence[str]) -> U64:
    return np.array([int(v, 16) for v in values], dtype=np.uint64)


@dataclass(slots=True)
class Distances:
    """Per (query, variant, original): pHash, dHash and vertical dHash distances.

    Missing variants (low-information regions) hold ``_MISSING``. Variant slots
    are the labels in ``labels`` (the union over all queries).
    """

    labels: list[str]
    p: NDArray[np.uint8]
    d: NDArray[np.uint8]
    dv: NDArray[np.uint8]


def distances(corpus: Corpus) -> Distances:
    """Vectorised Hamming distances of every query variant to every original."""
    labels: list[str] = []
    for q in corpus.queries:
        for v in q.variants:
            if v[bk.VARIANT] not in labels:
                labels.append(v[bk.VARIANT])
    known = {key: _u64([b[key] for b in corpus.bundles]) for fam in _FAMILIES for key in fam}
    shape = (len(corpus.queries), len(labels), len(corpus.bundles))
    out = [np.full(shape, _MISSING, dtype=np.uint8) for _ in range(3)]
    slot = {label: i for i, label in enumerate(labels)}
    for qi, q in enumerate(corpus.queries):
        for v in q.variants:
            fam = bk.WHOLE_FAMILY if bk.PHASH in v else bk.CENTRE_FAMILY
            for arr, key in zip(out, fam, strict=True):
                arr[qi, slot[v[bk.VARIANT]]] = np.bitwise_count(
                    np.uint64(int(v[key], 16)) ^ known[key]
                )
    return Distances(labels, out[0], out[1], out[2])


@dataclass(slots=True)
class Outcome:
    """Decisions of one rule over the corpus."""

    name: str
    recall: dict[str, float]
    fp_distractor: int
    fp_cross: int
    groups: dict[str, str]

    def floor(self, group: str) -> float:
        return min(r for t, r in self.recall.items() if self.groups[t] == group)


def _outcome(name: str, corpus: Corpus, matched: NDArray[np.bool_]) -> Outcome:
    owners = np.array([q.owner for q in corpus.queries])
    rows = np.flatnonzero(owners >= 0)
    true = matched[rows, owners[rows]]
    names = [corpus.queries[i].transform for i in rows]
    recall: dict[str, float] = {}
    groups: dict[str, str] = {}
    for tr in TRANSFORMS:
        picked = [ok for ok, n in zip(true.tolist(), names, strict=True) if n == tr.name]
        recall[tr.name] = sum(picked) / len(picked)
        groups[tr.name] = tr.group
    others = matched.copy()
    others[rows, owners[rows]] = False
    return Outcome(name, recall, int(others[owners < 0].sum()), int(others[rows].sum()), groups)


def vector_rule(
    dist: Distances,
    thresholds: nm.NearMatchThresholds,
    keep: Callable[[str], bool] = lambda label: True,
    confirm: str = "pair",
) -> NDArray[np.bool_]:
    """The decision rule of ``is_near_match`` in numpy, restricted to some variants.

    ``confirm``: "pair" (dHash + vertical dHash, as for the product's own
    lists) or "dhash" (dHash alone, as for lists that carry only phash/dhash).
    """
    cols = [i for i, label in enumerate(dist.labels) if keep(label)]
    p = dist.p[:, cols].astype(np.int16)
    d = dist.d[:, cols].astype(np.int16)
    if confirm == "pair":
        ok = d + dist.dv[:, cols].astype(np.int16) <= thresholds.dhash_pair
    else:
        ok = d <= thresholds.dhash_only
    hit = (p <= thresholds.phash) & ok & (p != _MISSING)
    result: NDArray[np.bool_] = hit.any(axis=1)
    return result


def checked_bundle_rule(
    corpus: Corpus, dist: Distances, thresholds: nm.NearMatchThresholds
) -> NDArray[np.bool_]:
    """The bundle rule's decisions, made by ``is_near_match`` itself.

    The vectorised pHash distances only select the candidate pairs (some variant
    within ``thresholds.phash``), which is all a 64-bit index lookup does; every
    candidate, and every true pair, is decided by ``is_near_match``.
    """
    candidates = (dist.p.astype(np.int16) <= thresholds.phash).any(axis=1)
    for qi, q in enumerate(corpus.queries):
        if q.owner >= 0:
            candidates[qi, q.owner] = True
    matched = np.zeros_like(candidates)
    for qi, ki in np.argwhere(candidates).tolist():
        ok, _, _ = nm.is_near_match(corpus.queries[qi].variants, corpus.bundles[ki], thresholds)
        matched[qi, ki] = ok
    return matched


def plain_rule(corpus: Corpus, phash: int, dhash: int) -> NDArray[np.bool_]:
    """Item pHash within ``phash`` of the entry's, confirmed by dHash within ``dhash``."""
    qp = _u64([q.plain[bk.PHASH] for q in corpus.queries])
    qd = _u64([q.plain[bk.DHASH] for q in corpus.queries])
    kp = _u64([b[bk.PHASH] for b in corpus.bundles])
    kd = _u64([b[bk.DHASH] for b in corpus.bundles])
    dp = np.bitwise_count(qp[:, None] ^ kp[None, :])
    dd = np.bitwise_count(qd[:, None] ^ kd[None, :])
    result: NDArray[np.bool_] = (dp <= phash) & (dd <= dhash)
    return result


# -- PDQ-like (tried, dropped) ------------------------------------------------------


def _pdq_matrix() -> NDArray[np.float64]:
    i = np.arange(1, 17)[:, None]
    j = np.arange(64)[None, :]
    return np.sqrt(2 / 64) * np.cos(np.pi / 128 * i * (2 * j + 1))


_PDQ_DCT = _pdq_matrix()


def pdq_like(img: Image.Image) -> list[int]:
    """256-bit PDQ-style hashes of the 8 orientations (box filter instead of Jarosz).

    Luminance box-resized to 64x64, a 16x16 DCT without the DC row/column, each
    coefficient above the median sets its bit (Meta's PDQ, minus its exact
    downsampling filter, so not interoperable with Meta's lists).
    """
    grey = np.asarray(img.convert("L").resize((64, 64), Image.Resampling.BOX), dtype=np.float64)
    out = []
    for _, op, _ in pm.ORIENTATIONS:
        coeffs = _PDQ_DCT @ op(grey) @ _PDQ_DCT.T
        bits = (coeffs > np.median(coeffs)).ravel().tolist()
        out.append(sum(1 << (255 - i) for i, b in enumerate(bits) if b))
    return out


# -- report ----------------------------------------------------------------------


def recall_table(outcomes: Sequence[Outcome]) -> str:
    """Recall per transformation (rows) for each rule (columns), then the FP counts."""
    width = max(len(o.name) for o in outcomes) + 1
    head = f"{'transformation':16s}" + "".join(f"{o.name:>{width}s}" for o in outcomes)
    lines = [head]
    for tr in TRANSFORMS:
        lines.append(
            f"{tr.name:16s}" + "".join(f"{o.recall[tr.name]:>{width}.3f}" for o in outcomes)
        )
    for label, group in (("min first list", FIRST), ("min mirror/rot", SECOND)):
        lines.append(f"{label:16s}" + "".join(f"{o.floor(group):>{width}.3f}" for o in outcomes))
    lines.append(
        f"{'FP distractors':16s}" + "".join(f"{o.fp_distractor:>{width}d}" for o in outcomes)
    )
    lines.append(f"{'FP other origs':16s}" + "".join(f"{o.fp_cross:>{width}d}" for o in outcomes))
    return "\n".join(lines)


def _mmm(values: NDArray[np.int16]) -> str:
    return f"{int(values.min()):3d} {int(np.median(values)):3d} {int(values.max()):3d}"


def distance_table(corpus: Corpus, dist: Distances, thresholds: nm.NearMatchThresholds) -> str:
    """Min/median/max per transformation of the true pairs' distances, and the
    smallest distances between unrelated pairs."""
    owners = np.array([q.owner for q in corpus.queries])
    qp = _u64([q.plain[bk.PHASH] for q in corpus.queries])
    kp = _u64([b[bk.PHASH] for b in corpus.bundles])
    plain = np.bitwise_count(qp[:, None] ^ kp[None, :]).astype(np.int16)
    p = dist.p.astype(np.int16)
    pair = dist.d.astype(np.int16) + dist.dv.astype(np.int16)
    best_p = p.min(axis=1)  # (query, original): best pHash over variants
    # the confirming distance of the variant with the best pHash
    conf = np.take_along_axis(pair, p.argmin(axis=1)[:, None, :], axis=1)[:, 0, :]
    lines = [
        f"{'transformation':16s} {'plain pHash':>12s} {'bundle pHash':>13s} {'d+dv at best':>13s}",
        f"{'':16s} {'min med max':>12s} {'min med max':>13s} {'min med max':>13s}",
    ]
    rows = np.flatnonzero(owners >= 0)
    tnames = np.array([q.transform for q in corpus.queries])
    for tr in TRANSFORMS:
        sel = rows[tnames[rows] == tr.name]
        own = owners[sel]
        lines.append(
            f"{tr.name:16s} {_mmm(plain[sel, own]):>12s} {_mmm(best_p[sel, own]):>13s} "
            f"{_mmm(conf[sel, own]):>13s}"
        )
    unrelated = np.ones(plain.shape, dtype=bool)
    unrelated[rows, owners[rows]] = False
    dis = owners < 0
    cand = np.where(p <= thresholds.phash, pair, 999).min(axis=1)
    whole = [i for i, label in enumerate(dist.labels) if label.startswith("whole")]
    cand_d = np.where(p[:, whole] <= thresholds.phash, dist.d[:, whole].astype(np.int16), 999)
    cand_d = cand_d.min(axis=1)

    def low(values: NDArray[np.int16]) -> str:
        return str(int(values.min())) if (values < 999).any() else "none"

    for label, mask in (
        ("distractors", unrelated & dis[:, None]),
        ("other originals", unrelated & ~dis[:, None]),
    ):
        lines.append(
            f"unrelated, {label}: min plain pHash {int(plain[mask].min())}; min bundle pHash "
            f"(any variant) {int(best_p[mask].min())}; among variants with pHash <= "
            f"{thresholds.phash}: min d+dv {low(cand[mask])}, min dHash of 'whole' variants "
            f"{low(cand_d[mask])}"
        )
    return "\n".join(lines)


def sweep(corpus: Corpus, dist: Distances) -> str:
    """Floors and false positives of the bundle rule over a grid of thresholds."""
    lines = [
        "pHash\\d+dv " + " ".join(f"{t:>17d}" for t in range(16, 41, 4)),
        "  (cells: min recall first list / min recall mirror-rot / FP distractors / FP cross)",
    ]
    for tp in range(8, 19, 2):
        cells = []
        for tdd in range(16, 41, 4):
            o = _outcome("", corpus, vector_rule(dist, nm.NearMatchThresholds(tp, tdd)))
            cells.append(
                f"{o.floor(FIRST):.3f}/{o.floor(SECOND):.2f}/{o.fp_distractor}/{o.fp_cross}"
            )
        lines.append(f"{tp:>10d} " + " ".join(f"{c:>17s}" for c in cells))
    return "\n".join(lines)


#: Transformations the whole-image hashes alone can follow (no crop, caption).
FOLLOWABLE = ("jpeg", "resize", "greyscale", "brightness", "contrast", "exif", "mirror", "rotate")


def sweep_foreign(corpus: Corpus, dist: Distances) -> str:
    """The rule against lists with only phash+dhash ('whole' variants, dHash confirm)."""
    lines = [
        "pHash\\dHash " + " ".join(f"{t:>11d}" for t in range(6, 17, 2)),
        "  (cells: min recall over jpeg/resize/grey/brightness/contrast/exif/mirror/rotate "
        "/ all FP)",
    ]
    for tp in range(8, 17, 2):
        cells = []
        for td in range(6, 17, 2):
            thresholds = nm.NearMatchThresholds(tp, 0, td)
            matched = vector_rule(dist, thresholds, lambda s: s.startswith("whole"), "dhash")
            o = _outcome("", corpus, matched)
            low = min(r for t, r in o.recall.items() if t.startswith(FOLLOWABLE))
            cells.append(f"{low:.3f}/{o.fp_distractor + o.fp_cross}")
        lines.append(f"{tp:>11d} " + " ".join(f"{c:>11s}" for c in cells))
    return "\n".join(lines)


def pdq_outcome(originals: Named, distractors: Named) -> tuple[Outcome, str]:
    """Recall/FP of the PDQ-like hash (best of 8 orientations, distance <= 31 of 256)."""
    known = [pdq_like(img)[0] for _, img in originals]
    queries: list[Query] = []
    found: list[list[int]] = []
    for index, (_, img) in enumerate(originals):
        rng = np.random.default_rng(index)  # the same draws as build_queries
        for tr in TRANSFORMS:
            item = exif_item(img, tr.orientation)[0] if tr.make is None else tr.make(img, rng)
            queries.append(Query(index, tr.name, tr.group, [], {}))
            found.append(pdq_like(item))
    for name, img in distractors:
        queries.append(Query(-1, name, "distractor", [], {}))
        found.append(pdq_like(img))
    best = np.array([[min((h ^ k).bit_count() for h in hs) for k in known] for hs in found])
    corpus = Corpus([n for n, _ in originals], [], queries)
    owners = np.array([q.owner for q in queries])
    tnames = np.array([q.transform for q in queries])
    rows = np.flatnonzero(owners >= 0)
    medians = []
    for tr in TRANSFORMS:
        sel = rows[tnames[rows] == tr.name]
        medians.append(f"{tr.name} {int(np.median(best[sel, owners[sel]]))}")
    unrelated = best.copy()
    unrelated[rows, owners[rows]] = 999
    text = f"PDQ-like median distances: {', '.join(medians)}; min unrelated {int(unrelated.min())}"
    return _outcome("pdq<=31", corpus, best <= 31), text


def timing(images: Sequence[Image.Image], repeat: int = 9) -> str:
    """Per-image time of imagehash.phash and of the bundle's functions.

    The functions take turns, ``repeat`` rounds, and each keeps its fastest
    round: the least disturbed by other work on a shared machine.
    """
    rows: list[tuple[str, Callable[[Image.Image], object]]] = [
        ("imagehash.phash", imagehash.phash),
        ("phash + dhash", lambda i: (imagehash.phash(i), imagehash.dhash(i))),
        ("compute_bundle", pm.compute_bundle),
        ("query_variants", pm.query_variants),
        ("bundle_and_variants", pm.bundle_and_variants),
        ("pdq_like (8 orient.)", pdq_like),
    ]
    best = dict.fromkeys((name for name, _ in rows), float("inf"))
    for _ in range(repeat):
        for name, fn in rows:
            start = time.perf_counter()
            for img in images:
                fn(img)
            best[name] = min(best[name], (time.perf_counter() - start) / len(images))
    base = best["imagehash.phash"]
    return "\n".join(
        f"{name:22s} {t * 1e3:7.2f} ms  {t / base:5.2f} x phash" for name, t in best.items()
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--no-pdq", action="store_true")
    parser.add_argument("--no-holdout", action="store_true", help="skip the tuning/held-out report")
    args = parser.parse_args(argv)
    thresholds = nm.DEFAULT_THRESHOLDS
    start = time.perf_counter()
    originals, distractors = build_corpus(SIZES[args.size])
    corpus = build_queries(originals, distractors)
    dist = distances(corpus)
    n_true = sum(q.owner >= 0 for q in corpus.queries)
    print(
        f"corpus: {len(originals)} originals x {len(TRANSFORMS)} transformations = {n_true} "
        f"copies; {len(distractors)} distractors; {len(corpus.queries) * len(originals)} "
        f"query x original pairs; built in {time.perf_counter() - start:.0f} s"
    )
    print(f"thresholds: {thresholds}; lookups per query: {pm.QUERY_LOOKUPS}\n")
    bundle = _outcome("bundle", corpus, checked_bundle_rule(corpus, dist, thresholds))
    whole = lambda label: label.startswith("whole")  # noqa: E731
    outcomes = [
        _outcome("plain6/6", corpus, plain_rule(corpus, 6, 6)),
        _outcome(
            f"plain{thresholds.phash}/{thresholds.dhash_only}",
            corpus,
            plain_rule(corpus, thresholds.phash, thresholds.dhash_only),
        ),
        _outcome(
            "+orient",
            corpus,
            vector_rule(dist, thresholds, lambda s: s.startswith("whole") and "border" not in s),
        ),
        _outcome("+border", corpus, vector_rule(dist, thresholds, whole)),
        _outcome("foreign", corpus, vector_rule(dist, thresholds, whole, confirm="dhash")),
        _outcome(
            "centre-only", corpus, vector_rule(dist, thresholds, lambda s: s.startswith("centre"))
        ),
        _outcome("no-crop-sc", corpus, vector_rule(dist, thresholds, lambda s: "crop" not in s)),
        _outcome("d-only", corpus, vector_rule(dist, thresholds, confirm="dhash")),
        bundle,
    ]
    if not args.no_pdq:
        pdq, pdq_text = pdq_outcome(originals, distractors)
        outcomes.append(pdq)
    print("Recall per transformation and false positives")
    print("  plain6/6    item pHash <= 6 of the entry's, dHash <= 6 (peer-like)")
    print(
        f"  plain{thresholds.phash}/{thresholds.dhash_only}  item pHash <= {thresholds.phash}, "
        f"dHash <= {thresholds.dhash_only} (the bundle rule's thresholds for such lists)"
    )
    print("  +orient     whole image in 8 orientations (query side only), d+dv confirm")
    print("  +border     ... plus 3 border hypotheses: all 'whole' variants")
    print(
        "  foreign     'whole' variants against a list with only phash+dhash "
        f"(dHash <= {thresholds.dhash_only})"
    )
    print("  centre-only centre-region variants alone")
    print("  no-crop-sc  bundle without the crop scales")
    print("  d-only      bundle, confirmed by dHash alone (no vertical dHash)")
    print("  bundle      the full rule, every decision made by is_near_match")
    if not args.no_pdq:
        print("  pdq<=31     PDQ-like 256-bit whole-image hash, 8 orientations, Meta's threshold")
    print()
    print(recall_table(outcomes))
    print()
    print("Distances of true pairs (best over variants for the bundle) and of unrelated pairs")
    print(distance_table(corpus, dist, thresholds))
    if not args.no_pdq:
        print(pdq_text)
    print()
    print("Threshold sweep (bundle rule)")
    print(sweep(corpus, dist))
    print()
    print("Threshold sweep (lists with only phash+dhash)")
    print(sweep_foreign(corpus, dist))
    if not args.no_timing:
        print()
        print("Compute per image (scenes 500x375 and 640x480, photo crops)")
        sample = [img for _, img in originals[:40]]
        print(timing(sample))
    if not args.no_holdout:
        print()
        print(
            "Overlays and flat pictures, tuning set and held-out set (benchmarks/match_holdout.py)"
        )
        import match_holdout

        match_holdout.main([])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
