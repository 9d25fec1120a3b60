#!/usr/bin/env python3
"""The Python module's targets, each printed beside its baseline measured in the same run.

  1. Scanner.scan_many over JPEG bytes held in memory vs `hashsieve scan` on the same images (as
     files) and threads: images/s (the CLI's own figure, which excludes its index build). Target:
     >= 90%.
  2. Scanner.match of 100k hashes (hex strings) in one call vs one HashIndex::search over the same
     entries and queries timed in C++: queries/s. Target: >= 90%. Also beside the library's
     Scanner::match_hash called for each hash from C++ in the same parallel loop, without Python
     objects: what the binding itself adds.
  3. Python-side cost of one Scanner.scan call: a Python loop of scan(bytes) vs the same number of
     Scanner::scan_buffer calls timed in C++ (both as the thread's CPU time), on one small JPEG and
     on 16 bytes refused at once (where the library's own work is almost nil). Target: <= 20 us.

Each side runs --repeat times, interleaved (the per-call figures in 10 x --repeat alternating
blocks); medians are printed.

  /usr/bin/python3 bench/python_bench.py [--build build] [--threads N] [--entries N] ...
"""

import argparse
import os
import pathlib
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=str(ROOT / "build"), help="build directory (default: build/)")
    p.add_argument("--images", default=str(ROOT / "tests/data/pdq-vectors/images"),
                   help="folder of JPEGs to scan (default: the conformance vectors' JPEGs)")
    p.add_argument("--min-images", type=int, default=600, help="copies of the JPEGs up to this many (default 600)")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for both scans (default: all cores)")
    p.add_argument("--entries", type=int, default=1_000_000, help="list entries (default 1,000,000)")
    p.add_argument("--queries", type=int, default=100_000, help="hashes per match call (default 100,000)")
    p.add_argument("--calls", type=int, default=3000, help="scan calls for the overhead figure (default 3000)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each side (default 3)")
    p.add_argument("--tmp", default=None, help="where the database and image copies go (default: a temp dir)")
    return p.parse_args()


def random_hash(rng):
    return f"{rng.getrandbits(256):064x}"


def near(hex_hash, bits, rng):
    value = int(hex_hash, 16)
    for b in rng.sample(range(256), bits):
        value ^= 1 << b
    return f"{value:064x}"


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def build_store(hashsieve, work, entries, image_hashes, rng):
    """A list of random hashes plus the first images' hashes (so some scans match)."""
    csv = work / "list.csv"
    hashes = []
    with open(csv, "w") as f:
        f.write("hash,entry_id\n")
        for i, h in enumerate(image_hashes[:20]):
            f.write(f"{h},img-{i}\n")
            hashes.append(h)
        for i in range(entries - len(hashes)):
            h = random_hash(rng)
            hashes.append(h)
            f.write(f"{h},r{i}\n")
    store = hashsieve.Store(work / "db", create=True)
    store.create_list("bench")
    t = time.perf_counter()
    summary = store.import_file("bench", csv, format="csv")
    print(f"setup: imported {summary.added:,} entries in {time.perf_counter() - t:.1f} s", flush=True)
    csv.unlink()
    return store, hashes


def cli_scan_rate(cli, db, folder, threads):
    out = subprocess.run([cli, "scan", "--db", str(db), "--threads", str(threads), "--report", os.devnull,
                          str(folder)], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"hashsieve scan failed ({out.returncode}): {out.stderr.strip()}")
    m = re.search(r"\(([\d.]+) images/s\)", out.stderr)
    if not m:
        sys.exit("could not read images/s from hashsieve scan's summary:\n" + out.stderr)
    return float(m.group(1))


def main():
    args = parse_args()
    sys.path.insert(0, str(pathlib.Path(args.build) / "python"))
    import hashsieve
    from hashsieve import _native

    cli = str(pathlib.Path(args.build) / "bin" / "hashsieve")
    rng = random.Random(2024)
    work = pathlib.Path(args.tmp or tempfile.mkdtemp(prefix="hashsieve-pybench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        sources = sorted(p for p in pathlib.Path(args.images).iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
        usable = []
        for p in sources:
            try:
                usable.append((p, hashsieve.hash(p).hex))
            except hashsieve.Error:
                pass
        folder = work / "images"
        folder.mkdir()
        images = []
        copy = 0
        while len(images) < args.min_images:
            for p, _ in usable:
                target = folder / f"{copy:03d}-{p.name}"
                shutil.copyfile(p, target)
                images.append(target.read_bytes())
            copy += 1
        megapixels = sum(hashsieve.hash(p).width * hashsieve.hash(p).height for p, _ in usable) / len(usable) / 1e6
        print(f"setup: {len(images)} JPEGs ({len(usable)} distinct, {megapixels:.2f} MP on average, "
              f"{sum(map(len, images)) / 1e6:.1f} MB), {args.threads} threads, load average {load_average():.1f}",
              flush=True)
        store, hashes = build_store(hashsieve, work, args.entries, [h for _, h in usable], rng)
        scanner = hashsieve.Scanner(store)

        # 1. scan_many vs hashsieve scan.
        cli_rates, py_rates = [], []
        for _ in range(args.repeat):
            cli_rates.append(cli_scan_rate(cli, work / "db", folder, args.threads))
            t = time.perf_counter()
            results = scanner.scan_many(images, threads=args.threads)
            py_rates.append(len(images) / (time.perf_counter() - t))
            assert not any(r.outcome == "error" for r in results)
        scan_cli, scan_py = statistics.median(cli_rates), statistics.median(py_rates)
        print("scan runs (images/s): hashsieve scan " + ", ".join(f"{r:,.0f}" for r in cli_rates) +
              "; scan_many " + ", ".join(f"{r:,.0f}" for r in py_rates), flush=True)

        # 2. match of 100k hashes vs HashIndex::search.
        queries = [near(rng.choice(hashes), rng.randint(0, 40), rng) if rng.random() < 0.1 else random_hash(rng)
                   for _ in range(args.queries)]
        cpp_qps, py_qps, loop_qps = [], [], []
        for _ in range(args.repeat):
            secs, cpp_found = _native._time_index_search(store, queries)
            cpp_qps.append(len(queries) / secs)
            loop_qps.append(len(queries) / _native._time_scanner_match(scanner, queries))
            t = time.perf_counter()
            matched = scanner.match(queries)
            py_qps.append(len(queries) / (time.perf_counter() - t))
            py_found = sum(map(len, matched))
            assert py_found == cpp_found, (py_found, cpp_found)
        match_cpp, match_py = statistics.median(cpp_qps), statistics.median(py_qps)
        match_loop = statistics.median(loop_qps)
        print("match runs (queries/s): HashIndex::search " + ", ".join(f"{r:,.0f}" for r in cpp_qps) +
              "; Scanner::match_hash per hash in C++ " + ", ".join(f"{r:,.0f}" for r in loop_qps) +
              "; Scanner.match " + ", ".join(f"{r:,.0f}" for r in py_qps), flush=True)

        # 3. per-call cost of scan(): on a small JPEG, and on 16 bytes that are refused at once
        # (the library's work is then almost nil, so the difference is the binding's own cost).
        small = min(images, key=len)
        refused = b"not an image...."
        scanner.scan(small)  # warm this thread's hasher
        # Both sides count the calling thread's CPU time (a single scan runs on the caller's thread),
        # which other processes on a busy machine do not inflate; short native and Python blocks
        # alternate, and the medians over the blocks are printed.
        costs = {"jpeg": ([], []), "refused": ([], [])}
        blocks = 10 * args.repeat
        per_block = max(1, args.calls // blocks)
        for _ in range(blocks):
            for name, data in (("jpeg", small), ("refused", refused)):
                native, python = costs[name]
                secs = _native._time_scan_buffer(scanner, data, per_block, name == "refused")
                if secs < 0:
                    sys.exit(f"scan_buffer gave an unexpected outcome for the {name} input")
                native.append(secs / per_block * 1e6)
                t = time.thread_time()
                for _ in range(per_block):
                    scanner.scan(data)
                python.append((time.thread_time() - t) / per_block * 1e6)
        call = {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in costs.items()}

        print(f"\nload average at the end {load_average():.1f}; medians of {args.repeat} interleaved runs\n")
        print("| measurement | baseline | Python | ratio / cost | target |")
        print("|---|---|---|---|---|")
        print(f"| scan_many, {len(images)} in-memory JPEGs, {args.threads} threads (images/s) | "
              f"hashsieve scan: {scan_cli:,.0f} | {scan_py:,.0f} | {scan_py / scan_cli:.2f}x | >= 0.90x |")
        print(f"| match, {len(queries):,} hex hashes vs {len(hashes):,} entries (queries/s) | "
              f"HashIndex::search: {match_cpp:,.0f} | {match_py:,.0f} | {match_py / match_cpp:.2f}x | >= 0.90x |")
        print(f"| the same, against the library's Scanner::match_hash called per hash from C++ (queries/s) | "
              f"{match_loop:,.0f} | {match_py:,.0f} | {match_py / match_loop:.2f}x | (binding's own cost) |")
        for name, label in (("jpeg", f"one {len(small):,}-byte JPEG"), ("refused", "16 bytes refused as not an image")):
            native, python = call[name]
            print(f"| scan() of {label} (CPU us per call, 1 thread) | Scanner::scan_buffer: {native:.1f} | {python:.1f} | "
                  f"{python - native:+.1f} us | <= 20 us |")
    finally:
        if not args.tmp:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
