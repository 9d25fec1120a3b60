"""hashsieve.dask on a real cluster: a `dask scheduler` and `dask worker` processes on 127.0.0.1,
a generated corpus with planted matches, a worker killed with SIGKILL mid-run, a driver killed and
resumed, an unreachable scheduler. Every report is compared with a local `hashsieve scan` of the
same inputs (the same set of lines; only the line order may differ)."""

import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

distributed = pytest.importorskip("distributed", reason="Dask distributed (python3-distributed) is not installed")

import hashsieve  # noqa: E402
import hashsieve.dask  # noqa: E402
from conftest import CLI, write_tx_csv  # noqa: E402
from pixels import write_bmp  # noqa: E402

PICTURES, COPIES = 48, 25  # 1200 items (hard links), 10 of the pictures listed
LISTED = range(0, PICTURES, 5)


def picture(seed):
    """A picture of its own: random low-frequency waves, so different seeds hash far apart."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:96, 0:128]
    chans = []
    for _ in range(3):
        v = np.zeros((96, 128))
        for _ in range(4):
            fx, fy, ph = rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3), rng.uniform(0, 6.3)
            v += np.sin(fx * x + fy * y + ph)
        chans.append(128 + 30 * v)
    return np.clip(np.stack(chans, axis=2), 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(db path, corpus dir, item count): pictures under many names, some listed, two corrupt."""
    root = tmp_path_factory.mktemp("dask")
    originals = root / "originals"
    originals.mkdir()
    rows = []
    for i in range(PICTURES):
        p = originals / f"pic{i:03d}.bmp"
        p.write_bytes(write_bmp(picture(i)))
        if i in LISTED:
            rows.append((hashsieve.hash(str(p)).hex, f"entry{i}", "planted"))
    store = hashsieve.Store(root / "db", create=True)
    store.create_list("known")
    assert store.import_file("known", write_tx_csv(root / "known.csv", rows), format="tx-csv").added == len(rows)
    del store
    uploads = root / "uploads"
    for c in range(COPIES):
        d = uploads / f"batch{c:02d}"
        d.mkdir(parents=True)
        for i in range(PICTURES):
            os.link(originals / f"pic{i:03d}.bmp", d / f"u{i:03d}.bmp")
    (uploads / "batch00" / "zz-corrupt.jpg").write_bytes(b"\xff\xd8\xff not a jpeg")
    (uploads / "batch07" / "zz-empty.png").write_bytes(b"")
    return root / "db", uploads, PICTURES * COPIES + 2


def local_report(db, uploads, *extra):
    r = subprocess.run([CLI, "scan", "-q", "--emit-hashes", "--threads", "2", "--db", str(db), str(uploads), *extra],
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def lines(data: bytes):
    return sorted(data.decode().splitlines())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_cli(*args):
    return [sys.executable, "-m", "dask", *args]


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Cluster:
    """A scheduler and its workers, each a real process on 127.0.0.1 with its dashboard off. Dask serves
    HTTP (health, metrics) even without the dashboard: bound to 127.0.0.1 as well, on a free port. The
    scheduler picks its own port (0) and its file gives the address, so no other process can take the
    port between a pick and the bind."""

    def __init__(self, root: pathlib.Path):
        self.root, self.workers = root, []
        info = root / "scheduler.json"
        self.log = open(root / "cluster.log", "ab")
        self.scheduler = subprocess.Popen(
            dask_cli("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(info)),
            stdout=self.log, stderr=self.log)
        wait_for(lambda: info.exists() and info.stat().st_size > 0, 60, "the scheduler")
        self.address = json.loads(info.read_text())["address"]

    def add_worker(self, name):
        local = self.root / f"worker-{name}"
        local.mkdir(exist_ok=True)
        w = subprocess.Popen(
            dask_cli("worker", self.address, "--nthreads", "1", "--nworkers", "1", "--no-nanny", "--no-dashboard",
                     "--dashboard-address", "127.0.0.1:0", "--host", "127.0.0.1", "--local-directory", str(local),
                     "--name", name),
            stdout=self.log, stderr=self.log)
        self.workers.append(w)
        return w

    def wait_workers(self, n):
        with distributed.Client(self.address, timeout=30) as c:
            c.wait_for_workers(n, timeout=60)

    def stop_workers(self):
        for w in self.workers:
            if w.poll() is None:
                w.kill()
            w.wait()
        self.workers = []

    def close(self):
        self.stop_workers()
        self.scheduler.kill()
        self.scheduler.wait()
        self.log.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("cluster"))
    yield c
    c.close()


@pytest.fixture
def two_workers(cluster):
    cluster.stop_workers()
    with distributed.Client(cluster.address, timeout=30) as c:  # the old ones gone from the scheduler
        wait_for(lambda: not c.scheduler_info()["workers"], 60, "old workers to leave")
    for name in ("w1", "w2"):
        cluster.add_worker(name)
    cluster.wait_workers(2)
    yield cluster.workers
    cluster.stop_workers()


def run_driver(cluster, db, *args, **kw):
    return subprocess.Popen([sys.executable, "-m", "hashsieve.dask", "--scheduler", cluster.address, "--db", str(db),
                             "--emit-hashes", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_report_equals_local_scan_and_scanners_open_once(corpus, cluster, two_workers):
    db, uploads, n = corpus
    want = lines(local_report(db, uploads))
    assert len(want) == n and sum('"outcome":"match"' in l for l in want) == len(LISTED) * COPIES
    d = run_driver(cluster, db, "--task-items", "60", str(uploads))
    out, err = d.communicate(timeout=300)
    assert d.returncode == 0, err
    assert lines(out) == want
    assert b"snapshot " in err
    # 21 tasks over two worker processes: each built its Scanner once and kept it.
    with distributed.Client(cluster.address, timeout=30) as c:
        opens = c.run(lambda: __import__("hashsieve.dask", fromlist=["_opens"])._opens)
    assert sorted(opens.values()) == [1, 1], opens


def test_library_form_and_files_from(corpus, cluster, two_workers, tmp_path):
    import io

    db, uploads, _ = corpus
    listing = tmp_path / "files.txt"
    paths = sorted(str(p) for p in uploads.rglob("*") if p.is_file())[:300] + [str(tmp_path / "missing.jpg")]
    listing.write_text("\n".join(paths) + "\n")
    local = subprocess.run([CLI, "scan", "-q", "--emit-hashes", "--db", str(db), "--files-from", str(listing)],
                           capture_output=True)
    want = lines(local.stdout)
    report = io.BytesIO()
    with distributed.Client(cluster.address, timeout=30) as client:
        s = hashsieve.dask.scan(client, [], db=str(db), files_from=str(listing), report=report, emit_hashes=True,
                                task_items=40)
    assert lines(report.getvalue()) == want
    assert s.done == 301 and s.tasks == 8 and s.matched == sum('"match"' in l for l in want)
    # A listed path that does not exist: an item error in the report, and exit status 2 (not all checked).
    assert any("does not exist" in l for l in want)
    assert s.exit_status == local.returncode == 2 and "missing.jpg" in s.message


def test_relative_paths_are_opened_from_the_drivers_directory(corpus, cluster, two_workers):
    db, uploads, _ = corpus
    rel = ["batch03", "batch00/zz-corrupt.jpg"]
    local = subprocess.run([CLI, "scan", "-q", "--emit-hashes", "--db", str(db), *rel], capture_output=True,
                           cwd=uploads)
    d = run_driver(cluster, db, "--task-items", "10", *rel, cwd=uploads)  # the workers run elsewhere
    out, err = d.communicate(timeout=300)
    assert d.returncode == local.returncode == 0, err
    assert lines(out) == lines(local.stdout)
    assert all(json.loads(line)["path"].startswith("batch0") for line in lines(out))


def test_worker_killed_mid_run_loses_nothing(corpus, cluster, two_workers, tmp_path):
    db, uploads, _ = corpus
    want = lines(local_report(db, uploads))
    state = tmp_path / "run.state"
    report = tmp_path / "report.jsonl"
    d = run_driver(cluster, db, "--task-items", "20", "--report", str(report), "--state", str(state), str(uploads))
    # Kill one worker once a few tasks are durably reported: the rest of the run is still ahead.
    wait_for(lambda: state.exists() and len(state.read_bytes().splitlines()) >= 4, 120, "the first tasks")
    victim = two_workers[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    done_at_kill = len(state.read_bytes().splitlines()) - 1
    out, err = d.communicate(timeout=300)
    assert d.returncode == 0, err
    assert done_at_kill < 61, "the kill must land mid-run"
    assert lines(report.read_bytes()) == want  # every item exactly once
    assert len(state.read_bytes().splitlines()) == 1 + 61


def test_killed_driver_resumes_and_skips_finished_tasks(corpus, cluster, two_workers, tmp_path):
    db, uploads, _ = corpus
    want = lines(local_report(db, uploads))
    state = tmp_path / "run.state"
    report = tmp_path / "report.jsonl"
    args = ("--task-items", "20", "--report", str(report), "--state", str(state), str(uploads))
    d = run_driver(cluster, db, *args)
    wait_for(lambda: state.exists() and len(state.read_bytes().splitlines()) >= 6, 120, "the first tasks")
    d.send_signal(signal.SIGKILL)
    d.wait()
    recorded = len(state.read_bytes().splitlines()) - 1
    assert (tmp_path / "run.state.snapshot").is_dir()  # the snapshot stays for the resume
    d = run_driver(cluster, db, *args)
    out, err = d.communicate(timeout=300)
    assert d.returncode == 0, err
    assert lines(report.read_bytes()) == want
    skipped = int(err.decode().split("(")[1].split(" done before")[0])
    assert skipped >= recorded >= 5
    assert not (tmp_path / "run.state.snapshot").exists()  # removed once the run is complete


def test_resume_refuses_a_changed_snapshot(corpus, cluster, two_workers, tmp_path):
    _, uploads, _ = corpus
    db = tmp_path / "db"
    store = hashsieve.Store(db, create=True)
    store.create_list("known")
    store.import_file("known", write_tx_csv(tmp_path / "a.csv", [(f"{7:064x}", "a", "")]), format="tx-csv")
    state, report = tmp_path / "s.state", tmp_path / "r.jsonl"
    args = ("--task-items", "100", "--report", str(report), "--state", str(state), str(uploads / "batch03"))
    d = run_driver(cluster, db, *args)
    _, err = d.communicate(timeout=300)
    assert d.returncode == 1, err
    before = report.read_bytes()
    store.import_file("known", write_tx_csv(tmp_path / "b.csv", [(f"{9:064x}", "b", "")]), format="tx-csv")
    d = run_driver(cluster, db, *args)
    _, err = d.communicate(timeout=300)
    assert d.returncode == 2
    assert b"belongs to another run" in err
    assert report.read_bytes() == before


def test_unreachable_scheduler_is_a_clear_error_within_the_timeout(corpus):
    db, uploads, _ = corpus
    port = free_port()  # nothing listens there
    start = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "hashsieve.dask", "--scheduler", f"tcp://127.0.0.1:{port}",
                        "--connect-timeout", "2", "--db", str(db), str(uploads)], capture_output=True, timeout=120)
    assert r.returncode == 2
    assert b"cannot reach the Dask scheduler" in r.stderr
    assert r.stdout == b""
    assert time.monotonic() - start < 60


def test_usage_errors(corpus):
    db, uploads, _ = corpus
    base = [sys.executable, "-m", "hashsieve.dask", "--scheduler", "tcp://127.0.0.1:1"]
    for args in (["--db", str(db)], ["--db", str(db), "--state", "x", str(uploads)], [str(uploads)]):
        r = subprocess.run(base + args, capture_output=True, timeout=60)
        assert r.returncode == 2, args
