#!/usr/bin/env python3
"""The Python module's targets, each printed beside its baseline measured in the same run.

  1. Scanner.scan_many over JPEG bytes held in memory vs `hashsieve scan` on the same images (as
     files) and threads: images/s (the CLI's own figure, which excludes its index build). Target:
     >= 90%.
  2. Scanner.match of 100k hashes (hex strings) in one call vs the C++ index over the same entries
     and queries, timed in C++: queries/s, for each --entries size (default 20,000: a flat scan;
     1,000,000: the chunk tables). The index is timed two ways on the same --threads, one
     HashIndex::search over all the queries (below 65,536 entries a flat scan runs that on one
     thread) and calls of 1,024 queries spread over the threads (what Scanner.match does); the
     target (>= 90%) is against the faster. Also beside the library's Scanner::match_hashes_flat
     called from C++ on the same queries: what the binding itself adds (hex parsing, Python
     lists and Match objects). Each figure is given per wall second and per CPU second of the
     process (all its threads): on a shared machine the second is the steadier measure of the
     work each side does. Also the same call with the hashes as an (n, 32) uint8 array (no Python
     object per hash to read). The ratio printed is the median over the rounds of each round's
     Python / baseline, with its range, so one slow run cannot decide it.
  3. Python-side cost of one Scanner.scan call: a Python loop of scan(bytes) vs the same number of
     Scanner::scan_buffer calls timed in C++ (both as the thread's CPU time), on one small JPEG and
     on 16 bytes refused at once (where the library's own work is almost nil). Short native and
     Python blocks alternate; the cost is the median over the blocks of (Python - C++) per call,
     printed with its spread (quartiles). Target: <= 20 us.

Each side runs --repeat times, interleaved, each going first in turn; medians are printed.

  /usr/bin/python3 bench/python_bench.py [--build build] [--threads N] [--entries N,N] ...
"""

import argparse
import os
import pathlib
import random
import shutil
import statistics
import sys
import tempfile
import time

import numpy as np

from bench_corpus import cli_scan_rate, fill_folder, usable_jpegs

ROOT = pathlib.Path(__file__).resolve().parents[1]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=str(ROOT / "build"), help="build directory (default: build/)")
    p.add_argument("--images", default=str(ROOT / "tests/data/pdq-vectors/images"),
                   help="folder of JPEGs to scan (default: the conformance vectors' JPEGs)")
    p.add_argument("--min-images", type=int, default=600, help="copies of the JPEGs up to this many (default 600)")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for both scans (default: all cores)")
    p.add_argument("--entries", default="20000,1000000",
                   help="list sizes for the match figures, comma-separated; the scan figures use the last "
                        "(default 20000,1000000)")
    p.add_argument("--parts", default="scan,match,call",
                   help="which figures to measure, comma-separated from scan, match, call (default: all)")
    p.add_argument("--queries", type=int, default=100_000, help="hashes per match call (default 100,000)")
    p.add_argument("--calls", type=int, default=3000,
                   help="scan calls of the small JPEG for the overhead figure; 10x as many of the refused "
                        "input (default 3000)")
    p.add_argument("--repeat", type=int, default=5, help="runs of each side (default 5)")
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


def build_store(hashsieve, db, entries, image_hashes, rng):
    """A list of random hashes plus the first images' hashes (so some scans match)."""
    csv = db.parent / "list.csv"
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
    store = hashsieve.Store(db, create=True)
    store.create_list("bench")
    t = time.perf_counter()
    summary = store.import_file("bench", csv, format="csv")
    print(f"setup: imported {summary.added:,} entries in {time.perf_counter() - t:.1f} s", flush=True)
    csv.unlink()
    return store, hashes


def quartiles(values):
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return q[0], q[1], q[2]


def prepare_images(hashsieve, args, work):
    """Copies of the JPEGs up to --min-images in one folder (for the CLI), and their bytes."""
    usable = usable_jpegs(hashsieve, args.images)
    folder = work / "images"
    images = [p.read_bytes() for p in fill_folder(folder, usable, args.min_images)]
    megapixels = sum(h.width * h.height for _, h in usable) / len(usable) / 1e6
    print(f"setup: {len(images)} JPEGs ({len(usable)} distinct, {megapixels:.2f} MP on average, "
          f"{sum(map(len, images)) / 1e6:.1f} MB), {args.threads} threads, load average {load_average():.1f}",
          flush=True)
    return folder, images, [h.hex for _, h in usable]


def scan_figures(cli, db, scanner, folder, images, args):
    """scan_many vs hashsieve scan: images/s."""
    cli_rates, py_rates = [], []
    for _ in range(args.repeat):
        cli_rates.append(cli_scan_rate(cli, db, folder, args.threads))
        t = time.perf_counter()
        results = scanner.scan_many(images, threads=args.threads)
        py_rates.append(len(images) / (time.perf_counter() - t))
        assert not any(r.outcome == "error" for r in results)
    print("scan runs (images/s): hashsieve scan " + ", ".join(f"{r:,.0f}" for r in cli_rates) +
          "; scan_many " + ", ".join(f"{r:,.0f}" for r in py_rates), flush=True)
    return statistics.median(cli_rates), statistics.median(py_rates)


def match_figures(native, store, scanner, hashes, args, rng):
    """match of --queries hex hashes vs the C++ index (one call; parallel calls of 1,024, the chunk
    Scanner.match uses for 100k hashes) and vs Scanner::match_hashes_flat from C++, every side on
    the same queries and --threads threads: queries per wall second, and per CPU second of the
    process (all threads: the work done, which the machine's other load inflates much less).
    Each round runs every side once, a different side first each round; each round gives a
    Python / baseline ratio, and the medians of those ratios are printed with their range."""
    queries = [near(rng.choice(hashes), rng.randint(0, 40), rng) if rng.random() < 0.1 else random_hash(rng)
               for _ in range(args.queries)]
    array = np.frombuffer(b"".join(bytes.fromhex(h) for h in queries), np.uint8).reshape(len(queries), 32)
    names = ("one", "chunks", "library", "python", "array")
    wall = {k: [] for k in names}
    cpu = {k: [] for k in names}

    def index_side():
        (one_w, one_c, one_found), (chunks_w, chunks_c, chunks_found) = \
            native._time_index_search(store, queries, [0, 1024], threads=args.threads)
        return {"one": (one_w, one_c, one_found), "chunks": (chunks_w, chunks_c, chunks_found)}

    def library_side():
        return {"library": native._time_scanner_match(scanner, queries, args.threads)}

    def python_call(name, hashes):
        t, c = time.perf_counter(), time.process_time()
        matched = scanner.match(hashes, threads=args.threads)
        py_w, py_c = time.perf_counter() - t, time.process_time() - c
        found = sum(map(len, matched))
        # Freeing the results is timed too, as the C++ sides free theirs inside their timings.
        t, c = time.perf_counter(), time.process_time()
        del matched
        py_w, py_c = py_w + time.perf_counter() - t, py_c + time.process_time() - c
        return {name: (py_w, py_c, found)}

    sides = [index_side, library_side, lambda: python_call("python", queries), lambda: python_call("array", array)]
    for run in range(args.repeat):
        got = {}
        for side in sides[run % 4:] + sides[:run % 4]:  # each side goes first in turn
            got.update(side())
        found = {name: f for name, (_, _, f) in got.items()}
        assert len(set(found.values())) == 1, found
        py_found = found["python"]
        for name, (w, c, _) in got.items():
            wall[name].append(len(queries) / w)
            cpu[name].append(len(queries) / c)
    for label, rates in (("wall", wall), ("CPU", cpu)):
        print(f"match runs against {len(hashes):,} entries (queries per {label} second, {py_found:,} matches): " +
              "; ".join(f"{name} " + ", ".join(f"{r:,.0f}" for r in v) for name, v in rates.items()), flush=True)

    def paired(rates, baseline, side="python"):
        """Per round: Python / the baseline's rate in that round (the faster index form for "index")."""
        out = []
        for i in range(len(rates[side])):
            base = max(rates["one"][i], rates["chunks"][i]) if baseline == "index" else rates[baseline][i]
            out.append(rates[side][i] / base)
        return statistics.median(out), min(out), max(out)

    medians = {label: {k: statistics.median(v) for k, v in rates.items()} for label, rates in
               (("wall", wall), ("CPU", cpu))}
    ratios = {label: {"index": paired(rates, "index"), "library": paired(rates, "library"),
                      "array": paired(rates, "index", "array")} for label, rates in (("wall", wall), ("CPU", cpu))}
    return len(queries), medians, ratios


def call_figures(native, scanner, images, args):
    """Per-call cost of scan(): on a small JPEG, and on 16 bytes refused at once (the library's
    work is then almost nil, so the difference is the binding's own cost). Both sides count the
    calling thread's CPU time (a single scan runs on the caller's thread), which other processes on
    a busy machine do not inflate; short native and Python blocks alternate, and each block gives
    one (Python - C++) difference per call."""
    small = min(images, key=len)
    refused = b"not an image...."
    cases = (("jpeg", small, args.calls), ("refused", refused, 10 * args.calls))
    for _, data, _ in cases:  # warm this thread's hasher and the code paths
        native._time_scan_buffer(scanner, data, 20, data is refused)
        for _ in range(20):
            scanner.scan(data)
    blocks = 20 * args.repeat
    figures = {}
    for name, data, calls in cases:
        per_block = max(10, calls // blocks)
        native_us, python_us, diff_us = [], [], []
        for _ in range(blocks):
            secs = native._time_scan_buffer(scanner, data, per_block, name == "refused")
            if secs < 0:
                sys.exit(f"scan_buffer gave an unexpected outcome for the {name} input")
            t = time.thread_time()
            for _ in range(per_block):
                scanner.scan(data)
            py = time.thread_time() - t
            native_us.append(secs / per_block * 1e6)
            python_us.append(py / per_block * 1e6)
            diff_us.append(python_us[-1] - native_us[-1])
        figures[name] = (statistics.median(native_us), statistics.median(python_us), quartiles(diff_us), blocks,
                         per_block)
    return small, figures


def main():
    args = parse_args()
    parts = set(args.parts.split(","))
    sizes = [int(n) for n in args.entries.split(",")]
    sys.path.insert(0, str(pathlib.Path(args.build) / "python"))
    import hashsieve
    from hashsieve import _native

    cli = str(pathlib.Path(args.build) / "bin" / "hashsieve")
    rng = random.Random(2024)
    work = pathlib.Path(args.tmp or tempfile.mkdtemp(prefix="hashsieve-pybench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        folder, images, image_hashes = prepare_images(hashsieve, args, work)
        for k, entries in enumerate(sizes):
            db = work / f"db-{entries}"
            store, hashes = build_store(hashsieve, db, entries, image_hashes, rng)
            scanner = hashsieve.Scanner(store)
            if "match" in parts:
                n, medians, ratios = match_figures(_native, store, scanner, hashes, args, rng)
                for label, unit in (("wall", "queries/s"), ("CPU", "queries per CPU second")):
                    m, r = medians[label], ratios[label]
                    (ri, lo_i, hi_i), (rl, lo_l, hi_l) = r["index"], r["library"]
                    rows.append(f"| match, {n:,} hex hashes vs {entries:,} entries, {args.threads} threads ({unit}) | "
                                f"HashIndex::search: {m['one']:,.0f} in one call, {m['chunks']:,.0f} in parallel "
                                f"calls of 1,024 | {m['python']:,.0f} | {ri:.2f}x of the faster, per round "
                                f"(range {lo_i:.2f} to {hi_i:.2f}) | >= 0.90x |")
                    rows.append(f"| the same against Scanner::match_hashes_flat from C++ ({unit}) | "
                                f"{m['library']:,.0f} | {m['python']:,.0f} | {rl:.2f}x per round "
                                f"(range {lo_l:.2f} to {hi_l:.2f}) | (the binding's own cost) |")
                    ra, lo_a, hi_a = r["array"]
                    rows.append(f"| the same hashes as an (n, 32) uint8 array ({unit}) | "
                                f"HashIndex::search, the faster | {m['array']:,.0f} | {ra:.2f}x per round "
                                f"(range {lo_a:.2f} to {hi_a:.2f}) | (the fast input form) |")
            if k < len(sizes) - 1:
                continue
            if "scan" in parts:
                scan_cli, scan_py = scan_figures(cli, db, scanner, folder, images, args)
                rows.append(f"| scan_many, {len(images)} in-memory JPEGs, {args.threads} threads, {entries:,} "
                            f"entries (images/s) | hashsieve scan: {scan_cli:,.0f} | {scan_py:,.0f} | "
                            f"{scan_py / scan_cli:.2f}x | >= 0.90x |")
            if "call" in parts:
                small, figures = call_figures(_native, scanner, images, args)
                for name, label in (("jpeg", f"one {len(small):,}-byte JPEG"),
                                    ("refused", "16 bytes refused as not an image")):
                    native, python, (q1, q2, q3), blocks, per_block = figures[name]
                    rows.append(f"| scan() of {label} (CPU us per call, 1 thread; {blocks} blocks of {per_block}) | "
                                f"Scanner::scan_buffer: {native:.1f} | {python:.1f} | {q2:+.1f} us "
                                f"(quartiles {q1:+.1f} to {q3:+.1f}) | <= 20 us |")

        print(f"\nload average at the end {load_average():.1f}; medians of {args.repeat} interleaved runs\n")
        print("| measurement | C++ baseline | Python | ratio / cost | target |")
        print("|---|---|---|---|---|")
        for row in rows:
            print(row)
    finally:
        if not args.tmp:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
