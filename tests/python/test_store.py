"""hashsieve.Store: lists, imports with per-row errors, withdrawals, export."""

import pytest

import hashsieve
from conftest import write_tx_csv


def test_missing_database_without_create_is_not_found(tmp_path):
    with pytest.raises(hashsieve.NotFound) as e:
        hashsieve.Store(tmp_path / "nothing-here")
    assert e.value.code == "not_found"
    assert not (tmp_path / "nothing-here").exists()


def test_lists_import_withdraw_export(tmp_path, hashable):
    store = hashsieve.Store(str(tmp_path / "db"), create=True)
    info = store.create_list("ncmec", radius=20, source="NCMEC")
    assert (info.name, info.radius, info.source, info.active) == ("ncmec", 20, "NCMEC", 0)
    store.create_list("tx")
    with pytest.raises(hashsieve.AlreadyExists):
        store.create_list("tx")

    rows = [(v["pdq"], f"id-{i:03d}", "csam") for i, v in enumerate(hashable[:30])]
    path = write_tx_csv(tmp_path / "list.csv", rows)
    with open(path, "a") as f:
        f.write("nothex,bad-1,2024-05-01,x\n")
    summary = store.import_file("ncmec", path)  # format detected
    assert (summary.added, summary.updated, summary.unchanged) == (30, 0, 0)
    assert len(summary.errors) == 1
    err = summary.errors[0]
    assert err.line == 32 and err.file.endswith("list.csv") and err.reason
    again = store.import_file("ncmec", path, format="tx-csv")
    assert (again.added, again.unchanged) == (0, 30)

    withdrawn = store.withdraw("ncmec", ["id-001", "id-002", "no-such-id"])
    assert withdrawn.withdrawn == 2
    lists = {l.name: l for l in store.lists()}
    assert [*lists] == ["ncmec", "tx"]
    assert (lists["ncmec"].active, lists["ncmec"].withdrawn) == (28, 2)

    entries = list(store.export("ncmec"))
    assert [e.entry_id for e in entries] == sorted(r[1] for r in rows)
    by_id = {e.entry_id: e for e in entries}
    assert by_id["id-000"].hash == rows[0][0] and by_id["id-000"].state == "active"
    assert by_id["id-001"].state == "withdrawn"
    assert by_id["id-000"].metadata == {"added_on": "2024-05-01", "tags": ["csam"]}

    assert store.purge("ncmec") == 2
    assert store.get_list("ncmec").withdrawn == 0
    store.verify()
    store.drop_list("tx")
    with pytest.raises(hashsieve.NotFound):
        store.get_list("tx")
    with pytest.raises(hashsieve.NotFound):
        store.export("tx")


def test_import_errors(tmp_path):
    store = hashsieve.Store(tmp_path / "db", create=True)
    store.create_list("a")
    with pytest.raises(hashsieve.IoError):
        store.import_file("a", tmp_path / "missing.csv")
    with pytest.raises(ValueError):
        store.import_file("a", tmp_path / "missing.csv", format="no-such-format")
    (tmp_path / "l.csv").write_text("0" * 64 + ",x,2024-01-01,\n")
    with pytest.raises(hashsieve.NotFound):
        store.import_file("no-such-list", tmp_path / "l.csv")


def test_export_streams_large_lists_and_can_stop_early(tmp_path, rng):
    store = hashsieve.Store(tmp_path / "db", create=True)
    store.create_list("big")
    rows = [(f"{rng.getrandbits(256):064x}", f"e{i:06d}", "") for i in range(5000)]
    store.import_file("big", write_tx_csv(tmp_path / "big.csv", rows))
    ids = [e.entry_id for e in store.export("big")]
    assert ids == sorted(r[1] for r in rows)
    it = store.export("big")
    first = [next(it) for _ in range(10)]
    assert [e.entry_id for e in first] == ids[:10]
    del it  # abandoned mid-way: the reader stops, nothing hangs
    assert len(list(store.export("big"))) == 5000


def test_read_only_store_refuses_writes(tmp_path):
    hashsieve.Store(tmp_path / "db", create=True).create_list("a")
    ro = hashsieve.Store(tmp_path / "db", read_only=True)
    assert [l.name for l in ro.lists()] == ["a"]
    with pytest.raises(hashsieve.Error):
        ro.create_list("b")
