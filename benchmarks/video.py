"""Seconds of video hashed per second of wall time, on one core, against a naive script.

    python benchmarks/video.py [--count 4] [--seconds 20] [--gop 25 250] [--grain 0 6]

Writes ``--count`` synthetic 640x480 H.264 films of ``--seconds`` each (moving
shapes, 25 fps, PyAV/libx264) for every keyframe interval in ``--gop``
(frames; 25 = a keyframe a second, as phones write them; 250 = libx264's
default), then, pinned to one core, times:

- **product**: ``triage_app.media.video_frames.analyse_video`` (keyframes plus
  one frame a second, pHash + dHash + PDQ of each sampled frame);
- **naive**: decode every frame, pHash (imagehash) one frame a second.

``--grain`` adds camera-like noise (standard deviation in grey levels): clean
synthetic shapes decode several times faster than filmed footage, which
flatters the naive script; with grain the decoder costs what a phone's film
does. Both decode single-threaded. Prints, per keyframe interval, seconds of video
per wall second for each and their ratio. The goal of the video issue:
>= 5x the naive script and >= 30x real time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage_app.demo.synthetic_video import Scene, write_video
from triage_app.media.video_frames import analyse_video


def naive(path: Path) -> int:
    """Decode every frame, pHash one a second; the number of hashes."""
    import av
    import imagehash

    hashes = 0
    next_t = 0.0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.codec_context.thread_type = "NONE"
        frame: Any
        for frame in container.decode(stream):
            t = float(frame.time or 0.0)
            if t >= next_t:
                imagehash.phash(frame.to_image())
                hashes += 1
                next_t += 1.0
    return hashes


def product(path: Path) -> int:
    """The product's sampler; the number of frames kept."""
    with open(path, "rb") as handle:
        facts = analyse_video(handle)
    if facts.decode_status != "decoded":
        raise SystemExit(f"{path}: {facts.reason}")
    return facts.frames_sampled


def timed(fn: object, paths: list[Path], rounds: int) -> float:
    runs = []
    for _ in range(rounds):
        started = time.perf_counter()
        for path in paths:
            fn(path)  # type: ignore[operator]
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--gop", type=int, nargs="+", default=[25, 250])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--grain", type=float, nargs="+", default=[0.0, 6.0])
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{args.count} films x {args.seconds:g} s, 640x480 H.264 25 fps, one core")
        print(f"{'grain':>5} {'keyframe every':>15} {'product x real':>15} {'naive x real':>13} "
              f"{'ratio':>7}")  # fmt: skip
        for grain, gop in [(g, k) for g in args.grain for k in args.gop]:
            paths = [
                write_video(
                    Path(tmp) / f"g{gop}_{grain}_{i}.mp4",
                    Scene(100 + i),
                    seconds=args.seconds,
                    gop=gop,
                    grain=grain,
                )
                for i in range(args.count)
            ]
            product(paths[0])  # load the decoders once before timing
            total = args.count * args.seconds
            ours = timed(product, paths, args.rounds)
            theirs = timed(naive, paths, args.rounds)
            print(
                f"{grain:>5g} {gop / 25:>13g} s {total / ours:>15.1f} {total / theirs:>13.1f} "
                f"{theirs / ours:>6.2f}x"
            )


if __name__ == "__main__":
    main()
