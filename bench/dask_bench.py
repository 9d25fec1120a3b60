#!/usr/bin/env python3
"""hashsieve.dask against a local `hashsieve scan`, side by side on the same corpus (page cache).

  A. local:  `hashsieve scan --threads T` (its own images/s figure, which leaves out its index build).
  B. dask:   one `dask scheduler` and T `dask worker --nthreads 1` processes on 127.0.0.1, driven by
             hashsieve.dask.scan() on a checkpoint made beforehand; timed from the call to the last
             line written, after a warm-up run (so each worker has built its Scanner once, as in a
             long-lived cluster).
  Target: B >= 85% of A's images/s.

  Overheads: the per-item cost Dask adds is (1/B - 1/A) x T worker-seconds. The per-task cost is
  measured by scanning the same corpus with small tasks and with the default-sized ones:
  (time_small - time_large) x T / (tasks_small - tasks_large).

Runs interleave A and B --repeat times; medians are printed.

  /usr/bin/python3 bench/dask_bench.py [--build build] [--threads 2] [--min-images 2000] ...
"""

import argparse
import io
import json
import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_corpus import cli_scan_rate, fill_folder, usable_jpegs

ROOT = pathlib.Path(__file__).resolve().parents[1]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=str(ROOT / "build"), help="build directory (default: build/)")
    p.add_argument("--images", default=str(ROOT / "tests/data/pdq-vectors/images"),
                   help="folder of JPEGs (default: the conformance vectors' JPEGs)")
    p.add_argument("--min-images", type=int, default=2000, help="hard links to the JPEGs up to this many")
    p.add_argument("--threads", type=int, default=2, help="local scan threads = Dask workers (default 2)")
    p.add_argument("--entries", type=int, default=100_000, help="random list entries (default 100,000)")
    p.add_argument("--task-items", type=int, default=200, help="items per task for B (default 200)")
    p.add_argument("--small-task-items", type=int, default=2, help="items per task for the per-task figure")
    p.add_argument("--repeat", type=int, default=3, help="interleaved runs of each side (default 3)")
    p.add_argument("--tmp", default=None, help="scratch folder (default: a temp dir)")
    return p.parse_args()


def dask_time(hsdask, client, snapshot, folder, task_items):
    t = time.perf_counter()
    s = hsdask.scan(client, [str(folder)], snapshot=str(snapshot), report=io.BytesIO(), task_items=task_items)
    secs = time.perf_counter() - t
    if s.exit_status not in (0, 1):
        sys.exit(f"hashsieve.dask failed: {s.message}")
    return secs, s.done, s.tasks


def main():
    args = parse_args()
    build = pathlib.Path(args.build)
    sys.path.insert(0, str(build / "python"))
    os.environ["PYTHONPATH"] = str(build / "python") + os.pathsep + os.environ.get("PYTHONPATH", "")
    import distributed
    import hashsieve
    import hashsieve.dask as hsdask

    cli = str(build / "bin" / "hashsieve")
    work = pathlib.Path(args.tmp or tempfile.mkdtemp(prefix="hashsieve-daskbench-"))
    work.mkdir(parents=True, exist_ok=True)
    procs = []
    try:
        usable = usable_jpegs(hashsieve, args.images)
        folder = work / "images"
        n = len(fill_folder(folder, usable, args.min_images, link=True))
        mp = statistics.mean(h.width * h.height for _, h in usable) / 1e6
        rng = random.Random(7)
        with open(work / "list.csv", "w") as f:
            f.write("hash,entry_id\n")
            for i, (_, h) in enumerate(usable[:10]):
                f.write(f"{h.hex},img{i}\n")
            for i in range(args.entries):
                f.write(f"{rng.getrandbits(256):064x},r{i}\n")
        store = hashsieve.Store(work / "db", create=True)
        store.create_list("bench")
        store.import_file("bench", work / "list.csv", format="csv")
        del store
        snapshot = hsdask.make_snapshot(str(work / "db"), str(work / "snapshot"))
        print(f"setup: {n} JPEGs ({len(usable)} distinct, {mp:.2f} MP on average), list of "
              f"{args.entries + 10:,} entries, {args.threads} threads / workers, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)

        log = open(work / "cluster.log", "wb")
        info = work / "scheduler.json"
        dask = [sys.executable, "-m", "dask"]
        procs.append(subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port", "0",
                                              "--no-dashboard", "--dashboard-address", "127.0.0.1:0",
                                              "--scheduler-file", str(info)],
                                      stdout=log, stderr=log))
        while not (info.exists() and info.stat().st_size):
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        for w in range(args.threads):
            procs.append(subprocess.Popen(dask + ["worker", address, "--nthreads", "1", "--no-nanny",
                                                  "--no-dashboard", "--dashboard-address", "127.0.0.1:0",
                                                  "--host", "127.0.0.1",
                                                  "--local-directory", str(work / f"w{w}")],
                                          stdout=log, stderr=log))
        client = distributed.Client(address, timeout=30)
        client.wait_for_workers(args.threads, timeout=60)

        cli_scan_rate(cli, work / "db", folder, args.threads)  # warm-up: page cache
        dask_time(hsdask, client, snapshot.path, folder, args.task_items)  # warm-up: each worker's Scanner
        a, b, small = [], [], []
        for _ in range(args.repeat):
            a.append(cli_scan_rate(cli, work / "db", folder, args.threads))
            secs, done, tasks = dask_time(hsdask, client, snapshot.path, folder, args.task_items)
            b.append((done / secs, secs, tasks))
            small.append(dask_time(hsdask, client, snapshot.path, folder, args.small_task_items))
        ra = statistics.median(a)
        rb = statistics.median(r for r, _, _ in b)
        secs_b = statistics.median(s for _, s, _ in b)
        tasks_b = b[0][2]
        secs_s = statistics.median(s for s, _, _ in small)
        tasks_s = small[0][2]
        per_item_us = (1 / rb - 1 / ra) * args.threads * 1e6
        per_task_ms = (secs_s - secs_b) * args.threads / (tasks_s - tasks_b) * 1e3
        print(f"A local hashsieve scan --threads {args.threads}: {ra:.1f} images/s "
              f"(runs {', '.join(f'{x:.1f}' for x in a)})")
        print(f"B dask, {args.threads} workers x 1 thread, {args.task_items} items/task ({tasks_b} tasks): "
              f"{rb:.1f} images/s (runs {', '.join(f'{r:.1f}' for r, _, _ in b)})")
        print(f"ratio B/A: {rb / ra:.2f} (target >= 0.85)")
        print(f"per-item overhead of Dask: {per_item_us:.0f} us of worker time "
              f"(local {args.threads / ra * 1e3:.2f} ms per image per thread)")
        print(f"per-task overhead: {per_task_ms:.2f} ms of worker time ({args.small_task_items} items/task: "
              f"{tasks_s} tasks in {secs_s:.2f} s vs {tasks_b} tasks in {secs_b:.2f} s)")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        client.close()
    finally:
        for p in reversed(procs):
            p.kill()
            p.wait()
        if not args.tmp:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
