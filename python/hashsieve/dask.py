"""Batch scans on a Dask distributed cluster: the report `hashsieve scan` writes, from many workers.

    from distributed import Client
    import hashsieve.dask
    with Client("tcp://scheduler:8786") as client:
        summary = hashsieve.dask.scan(client, ["/uploads"], db="hashsieve.db", report="report.jsonl")
    summary.exit_status     # 0 matched, 1 nothing matched, 2 error (as `hashsieve scan`)

    /usr/bin/python3 -m hashsieve.dask --scheduler tcp://scheduler:8786 --db hashsieve.db /uploads

The driver walks the inputs exactly as `hashsieve scan` does (the same native walk: order, per-item
errors), cuts them into tasks of `task_items` paths and writes each finished task's report lines
as they arrive (task order may differ from input order; the set of lines is the same). Workers get
paths, never image bytes, and must see the files under the same paths.

Lists reach workers as one consistent snapshot: a `db checkpoint` directory every worker can read
(`snapshot=`; else the driver checkpoints `db` into `checkpoint_dir`, a temporary directory by
default, which only suits workers on the driver's machine). Its id is the store's data version plus
the directory's path; every worker opens it once per process (a cached Scanner, reused by all tasks
of that process), checks the version it finds, and every result carries the id it was scanned
with: a run whose results would mix snapshots stops with an error.

With `state=` (needs a report path) the run is resumable: after each task the report is fsynced,
then one line recording the task (its index, a digest of its paths, counts and the report's length)
is appended to the state file and fsynced. A rerun cuts the report back to the last recorded length,
skips recorded tasks and refuses a state file from other inputs, options or lists.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import uuid
from typing import IO, Iterable, List, Optional, Sequence, Tuple, Union

from . import Scanner, Store, _native

EXIT_MATCHED, EXIT_NOTHING_MATCHED, EXIT_ERROR = 0, 1, 2
TASK_ITEMS = 2000
STATE_FORMAT = "hashsieve-dask-state 1"


class ScanError(Exception):
    """The run stopped: what `hashsieve scan` reports with exit status 2."""


@dataclasses.dataclass(frozen=True)
class Snapshot:
    path: str
    version: int

    @property
    def id(self) -> str:
        return f"{self.version}@{self.path}"


@dataclasses.dataclass
class Summary:
    done: int = 0
    matched: int = 0
    low_quality: int = 0
    failed: int = 0
    tasks: int = 0
    tasks_skipped: int = 0  # recorded as done by the state file
    unchecked: List[str] = dataclasses.field(default_factory=list)
    snapshot: str = ""
    exit_status: int = EXIT_ERROR
    message: str = ""  # why the status is 2

    def add(self, counts: dict) -> None:
        for k in ("done", "matched", "low_quality", "failed"):
            setattr(self, k, getattr(self, k) + counts[k])


# ---- worker side ---------------------------------------------------------------------------

_scanners: dict = {}  # one Scanner per (snapshot, options) for the life of the worker process
_scanners_lock = threading.Lock()
_opens = 0  # how many scanners this process has built (tests check it stays at one)


def _worker_scanner(snapshot: Snapshot, options: Tuple) -> Scanner:
    global _opens
    key = (snapshot, options)
    with _scanners_lock:
        scanner = _scanners.get(key)
        if scanner is None:
            store = Store(snapshot.path, read_only=True)
            found = _native._data_version(store)
            if found != snapshot.version:
                raise ScanError(f"the snapshot {snapshot.path} holds data version {found}, not {snapshot.version}: "
                                "it changed under the run; refusing to mix snapshots")
            scanner = Scanner(store, **dict(options))
            _scanners.clear()  # a process serves one snapshot at a time; drop an older one
            _scanners[key] = scanner
            _opens += 1
        return scanner


def _scan_task(snapshot: Snapshot, options: Tuple, emit_hashes: bool, csv: bool, items: list, base: bytes) -> dict:
    scanner = _worker_scanner(snapshot, options)
    text, done, matched, low, failed = _native._scan_report(scanner, items, emit_hashes=emit_hashes, csv=csv,
                                                            threads=1, base=base)
    return {"snapshot": Snapshot(snapshot.path, _native._store_version(scanner)).id, "text": text,
            "done": done, "matched": matched, "low_quality": low, "failed": failed,
            "pid": os.getpid(), "opens": _opens}


# ---- snapshot ------------------------------------------------------------------------------

def open_snapshot(path: str) -> Snapshot:
    """The snapshot a checkpoint directory holds (its data version)."""
    path = os.path.abspath(path)
    return Snapshot(path, _native._data_version(Store(path, read_only=True)))


def make_snapshot(db: str, directory: str) -> Snapshot:
    """Checkpoints `db` into `directory` (which must not exist) and returns its snapshot."""
    _native._checkpoint(Store(db, read_only=True), directory)
    return open_snapshot(directory)


# ---- resumable state -----------------------------------------------------------------------

def _task_digest(items: list) -> str:
    h = hashlib.sha256()
    for path, code, _ in items:
        h.update(path + b"\0" + str(code).encode() + b"\n")
    return h.hexdigest()


class _State:
    """The state file: a header line, then one JSON line per task durably in the report."""

    def __init__(self, path: str, header: dict):
        self.path, self.header = path, header
        self.tasks: dict = {}  # index -> record
        self.report_bytes: Optional[int] = None  # None: a fresh run
        self._f: Optional[IO[bytes]] = None

    def load(self) -> None:
        if not os.path.exists(self.path):
            return
        with open(self.path, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        good = 0  # bytes of complete, parseable lines
        records = []
        for i, line in enumerate(lines[:-1]):  # the last piece has no newline: torn or empty
            try:
                records.append(json.loads(line))
            except ValueError:
                if i != len(lines) - 2:
                    raise ScanError(f"the state file {self.path} is damaged (line {i + 1}); refusing to resume")
                break
            good += len(line) + 1
        if not records:  # killed before the header was durable: start afresh
            return
        if records[0] != self.header:
            raise ScanError(f"the state file {self.path} belongs to another run (other options, lists or "
                            f"snapshot: {records[0].get('snapshot')}); refusing to resume")
        for r in records[1:]:
            self.tasks[r["task"]] = r
        self.report_bytes = records[-1]["end"] if len(records) > 1 else self.header["start"]
        with open(self.path, "r+b") as f:  # drop a torn last line
            f.truncate(good)

    def open(self) -> None:
        fresh = self.report_bytes is None
        self._f = open(self.path, "ab")
        if fresh:
            self._f.truncate(0)
            self._append(self.header)

    def record(self, record: dict) -> None:
        self._append(record)

    def _append(self, obj: dict) -> None:
        assert self._f is not None
        self._f.write(json.dumps(obj, sort_keys=True).encode() + b"\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        if self._f:
            self._f.close()


# ---- driver --------------------------------------------------------------------------------

def _scanner_options(lists, radius, dihedral, min_quality, match_low_quality, fast) -> Tuple:
    o = {"lists": sorted(lists) if lists else None, "radius": radius, "dihedral": dihedral,
         "min_quality": min_quality, "match_low_quality": match_low_quality, "fast": fast}
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in o.items()))


def _as_options(options: Tuple) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in options}


def scan(client, inputs: Sequence[Union[str, bytes]], *, db: Optional[str] = None, snapshot: Optional[str] = None,
         checkpoint_dir: Optional[str] = None, files_from: Optional[str] = None, nul: bool = False,
         report: Union[str, IO[bytes], None] = None, state: Optional[str] = None,
         lists: Optional[Iterable[str]] = None, radius: Optional[int] = None, dihedral: bool = True,
         min_quality: int = 50, match_low_quality: bool = False, fast: bool = False, emit_hashes: bool = False,
         csv: bool = False, strict: bool = False, task_items: int = TASK_ITEMS,
         tasks_in_flight: Optional[int] = None) -> Summary:
    """Scans `inputs` (paths; directories walked) and `files_from` on the cluster of `client`.

    The lists: `snapshot` (a checkpoint directory the workers can read) or `db` (checkpointed into
    `checkpoint_dir`, or a temporary directory removed at the end). `report`: a path or a binary
    stream (default: sys.stdout.buffer). Returns a Summary whose exit_status follows `hashsieve
    scan`; a run that cannot go on raises ScanError (exit status 2); an unexpected task failure
    raises that task's exception.
    """
    if (db is None) == (snapshot is None):
        raise ScanError("give exactly one of db= (checkpointed for the run) and snapshot= (a checkpoint)")
    if state and not isinstance(report, str):
        raise ScanError("state= needs report= a file path: a resumed report is repaired in place")
    if task_items < 1:
        raise ScanError("task_items must be >= 1")
    options = _scanner_options(list(lists) if lists else None, radius, dihedral, min_quality, match_low_quality, fast)
    made_dir = None
    try:
        if snapshot is not None:
            snap = open_snapshot(snapshot)
        else:
            target = checkpoint_dir or (state + ".snapshot" if state else None)
            if target and os.path.exists(target):
                snap = open_snapshot(target)  # a resumed run's, or one made earlier on purpose
            else:
                if not target:
                    made_dir = tempfile.mkdtemp(prefix="hashsieve-snapshot-")
                    target = os.path.join(made_dir, "db")
                snap = make_snapshot(db, target)
        # The lists as the workers will see them: unknown names and empty lists stop the run here.
        gen = Scanner(Store(snap.path, read_only=True), **_as_options(options)).generation
        if gen["entries"] == 0:
            names = ", ".join(gen["lists"]) or "none"
            raise ScanError(f"nothing can match: the lists selected ({names}) hold no active entries")
        summary = _run(client, snap, options, inputs, files_from, nul, report, state, emit_hashes, csv, task_items,
                       tasks_in_flight)
        summary.snapshot = snap.id
        _finish(summary, strict)
        if state and snapshot is None and not checkpoint_dir:  # the run is complete: no resume will need it
            shutil.rmtree(state + ".snapshot", ignore_errors=True)
    finally:
        if made_dir:
            shutil.rmtree(made_dir, ignore_errors=True)
    return summary


def _finish(s: Summary, strict: bool) -> None:
    if s.unchecked:
        more = f" (and {len(s.unchecked) - 1} more)" if len(s.unchecked) > 1 else ""
        s.exit_status, s.message = EXIT_ERROR, f"not everything asked for was checked: {s.unchecked[0]}{more}"
    elif s.done == 0:
        s.exit_status, s.message = EXIT_ERROR, "no input found: the paths and lists given hold no files; nothing was checked"
    elif s.failed == s.done:
        s.exit_status, s.message = EXIT_ERROR, f"no item could be scanned ({s.failed} failed): nothing was checked"
    elif strict and s.failed:
        s.exit_status, s.message = EXIT_ERROR, f"--strict: {s.failed} item(s) could not be scanned"
    else:
        s.exit_status = EXIT_MATCHED if s.matched else EXIT_NOTHING_MATCHED


def _run(client, snap, options, inputs, files_from, nul, report, state_path, emit_hashes, csv, task_items,
         tasks_in_flight) -> Summary:
    from distributed import as_completed

    kind = ("csv" if csv else "jsonl") + ("+hashes" if emit_hashes else "")
    header_text = _native._report_header(csv).encode()
    summary = Summary()
    st = None
    if state_path:
        st = _State(state_path, {"format": STATE_FORMAT, "snapshot": snap.id, "options": [list(o) for o in options],
                                 "report": kind, "task_items": task_items, "start": len(header_text)})
        st.load()
    own_report = isinstance(report, str)
    if own_report:
        if st and st.report_bytes is not None:
            out = open(report, "r+b")
            if os.fstat(out.fileno()).st_size < st.report_bytes:
                raise ScanError(f"the report {report} is shorter than the state file {state_path} records; "
                                "refusing to resume")
            out.truncate(st.report_bytes)
            out.seek(st.report_bytes)
        else:
            fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            out = os.fdopen(fd, "wb")
            out.write(header_text)
    else:
        out = report if report is not None else sys.stdout.buffer
        out.write(header_text)
    if st:
        for r in st.tasks.values():
            summary.add(r)
        st.open()
    run_id = uuid.uuid4().hex[:12]
    base = os.fsencode(os.getcwd())  # relative inputs: workers open them under this directory
    walk = _native._InputWalk([os.fsencode(p) for p in inputs],
                              os.fsencode(files_from) if files_from is not None else None, nul)
    if tasks_in_flight is None:
        tasks_in_flight = 2 * max(1, sum(client.nthreads().values())) + 2
    pending = as_completed(loop=client.loop)
    futures = {}
    index = 0
    try:
        def submit_more() -> bool:
            nonlocal index
            while True:
                items = walk.next_items(task_items)
                if not items:
                    return False
                i, index = index, index + 1
                digest = _task_digest(items)
                if st and i in st.tasks:
                    if st.tasks[i]["digest"] != digest or st.tasks[i]["items"] != len(items):
                        raise ScanError(f"the state file {state_path} does not match these inputs (task {i} "
                                        "differs): it belongs to another queue; refusing to resume")
                    summary.tasks_skipped += 1
                    continue
                fut = client.submit(_scan_task, snap, options, emit_hashes, csv, items, base,
                                    key=f"hashsieve-scan-{run_id}-{i}", pure=False)
                futures[fut.key] = (fut, i, digest, len(items))
                pending.add(fut)
                return True

        more = True
        while more and pending.count() < tasks_in_flight:
            more = submit_more()
        for fut in pending:
            _, i, digest, n = futures.pop(fut.key)
            r = fut.result()  # a task's exception (or KilledWorker past the scheduler's retries) raises here
            fut.release()
            if r["snapshot"] != snap.id:
                raise ScanError(f"task {i} was scanned with snapshot {r['snapshot']}, not {snap.id}: "
                                "refusing to mix snapshots")
            if r["done"] != n:
                raise ScanError(f"task {i} returned {r['done']} results for {n} items")
            out.write(r["text"])
            summary.add(r)
            summary.tasks += 1
            if st:
                out.flush()
                os.fsync(out.fileno())
                st.record({"task": i, "digest": digest, "items": n, "end": out.tell(), "done": r["done"],
                           "matched": r["matched"], "low_quality": r["low_quality"], "failed": r["failed"]})
            if more:
                more = submit_more()
        summary.unchecked = list(walk.unchecked())
    finally:
        for fut, *_ in futures.values():  # left unfinished by an error: stop them
            fut.cancel()
        out.flush()
        if own_report:
            out.close()
        if st:
            st.close()
    return summary


# ---- command line --------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m hashsieve.dask",
        description="Scan images on a Dask distributed cluster; prints the JSONL (or CSV) report lines "
                    "`hashsieve scan` writes (task order may differ from input order).",
        epilog="exit status: 0 something matched; 1 every input was checked and nothing matched; 2 error: "
               "usage, database, scheduler unreachable or without workers, a failed task or write, mixed "
               "snapshots, or nothing checked")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (walked recursively, sorted)")
    p.add_argument("--scheduler", required=True, metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://host:8786")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--db", help="the hash-list database; checkpointed for the run (see --checkpoint)")
    src.add_argument("--snapshot", metavar="DIR", help="a `hashsieve db checkpoint` directory every worker can read")
    p.add_argument("--checkpoint", metavar="DIR",
                   help="with --db: checkpoint into DIR (a path every worker can read; kept); default: "
                        "next to --state, else a temporary directory (workers on this machine only)")
    p.add_argument("--lists", metavar="A,B", help="lists to match, comma-separated (default: all)")
    p.add_argument("--radius", type=int, metavar="R", help="match radius 0..256 for every list")
    p.add_argument("--min-quality", type=int, default=50, metavar="Q")
    p.add_argument("--match-low-quality", action="store_true")
    p.add_argument("--no-dihedral", action="store_true")
    p.add_argument("--fast", action="store_true")
    p.add_argument("--emit-hashes", action="store_true")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.add_argument("--files-from", metavar="FILE", help="a file of paths, one a line ('-' = stdin)")
    p.add_argument("-0", "--null", action="store_true", help="--files-from entries are NUL-separated")
    p.add_argument("--report", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--state", metavar="FILE", help="resumable (needs --report): record finished tasks in FILE")
    p.add_argument("--strict", action="store_true", help="items that cannot be scanned make the exit status 2")
    p.add_argument("--task-items", type=int, default=TASK_ITEMS, metavar="N", help="items per task (default %(default)s)")
    p.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="give up on the scheduler, or on it having a worker, after this long (default %(default)s)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    return p


def _fail(message: str) -> int:
    print(f"hashsieve.dask: {message}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = _parser()
    try:
        a = p.parse_args(argv)
    except SystemExit as e:  # argparse: --help is 0, usage errors 2 (as the command line's)
        return int(e.code or 0)
    if not a.paths and a.files_from is None:
        return _fail("no input: give paths or --files-from")
    if a.state and not a.report:
        return _fail("--state needs --report FILE: a resumed report is repaired in place")
    if a.checkpoint and not a.db:
        return _fail("--checkpoint goes with --db")
    if a.radius is not None and not 0 <= a.radius <= 256:
        return _fail("--radius must be 0..256")
    import logging
    import time

    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)
    t0 = time.monotonic()
    try:
        client = Client(a.scheduler, timeout=a.connect_timeout, set_as_default=False)
    except (OSError, TimeoutError) as e:
        return _fail(f"cannot reach the Dask scheduler at {a.scheduler} within {a.connect_timeout:g} s: {e}")
    except ValueError as e:
        return _fail(f"bad scheduler address {a.scheduler}: {e}")
    try:
        try:
            client.wait_for_workers(1, timeout=a.connect_timeout)
        except (OSError, TimeoutError):
            return _fail(f"the Dask scheduler at {a.scheduler} has no worker after {a.connect_timeout:g} s")
        try:
            s = scan(client, a.paths, db=a.db, snapshot=a.snapshot, checkpoint_dir=a.checkpoint,
                     files_from=a.files_from, nul=a.null, report=a.report, state=a.state,
                     lists=a.lists.split(",") if a.lists else None, radius=a.radius, dihedral=not a.no_dihedral,
                     min_quality=a.min_quality, match_low_quality=a.match_low_quality, fast=a.fast,
                     emit_hashes=a.emit_hashes, csv=a.format == "csv", strict=a.strict, task_items=a.task_items)
        except ScanError as e:
            return _fail(str(e))
        except Exception as e:  # a task's failure (hashsieve.Error, KilledWorker, ...) or a write that failed
            return _fail(f"{type(e).__name__}: {e}")
    finally:
        client.close()
    secs = time.monotonic() - t0
    if not a.quiet:
        print(f"scanned {s.done} items in {s.tasks} tasks ({s.tasks_skipped} done before) in {secs:.2f} s "
              f"({s.done / max(secs, 1e-9):.1f} images/s): {s.matched} matched, {s.low_quality} low quality, "
              f"{s.failed} failed; snapshot {s.snapshot}", file=sys.stderr)
    if s.exit_status == EXIT_ERROR:
        return _fail(s.message)
    return s.exit_status


if __name__ == "__main__":  # `python3 -m hashsieve.dask`: run the package's module, so tasks pickle by reference
    from hashsieve.dask import main as _main

    sys.exit(_main())
