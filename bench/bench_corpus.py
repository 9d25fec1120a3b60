"""What the Python benchmarks share: a folder of JPEG copies to scan, and `hashsieve scan`'s own
images/s on it (the baseline both compare against)."""

import os
import pathlib
import re
import shutil
import subprocess
import sys


def usable_jpegs(hashsieve, images):
    """(path, hashsieve.hash result) of each JPEG in `images` that hashes, in name order."""
    usable = []
    for p in sorted(pathlib.Path(images).iterdir()):
        if p.suffix.lower() not in (".jpg", ".jpeg"):
            continue
        try:
            usable.append((p, hashsieve.hash(str(p))))
        except hashsieve.Error:
            pass
    return usable


def fill_folder(folder, usable, min_images, link=False):
    """Whole rounds of the JPEGs (hard links, else copies) in `folder` until it holds at least
    `min_images`; returns their paths in order."""
    folder = pathlib.Path(folder)
    folder.mkdir()
    paths = []
    while len(paths) < min_images:
        for p, _ in usable:
            target = folder / f"{len(paths):06d}-{p.name}"
            (os.link if link else shutil.copyfile)(p, target)
            paths.append(target)
    return paths


def cli_scan_rate(cli, db, folder, threads):
    """`hashsieve scan`'s own images/s figure (which leaves out its index build)."""
    out = subprocess.run([str(cli), "scan", "--db", str(db), "--threads", str(threads), "--report", os.devnull,
                          str(folder)], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"hashsieve scan failed ({out.returncode}): {out.stderr.strip()}")
    m = re.search(r"\(([\d.]+) images/s\)", out.stderr)
    if not m:
        sys.exit("could not read images/s from hashsieve scan's summary:\n" + out.stderr)
    return float(m.group(1))
