"""hashsieve as the PDQ engine of python-threatexchange (pytx) and Hasher-Matcher-Actioner (HMA).

``HashsievePdqSignal`` is pytx's ``PdqSignal`` with hashsieve doing the work: it keeps the signal
type name ``pdq`` (so existing banks, stored signals and indexes keep their meaning), hashes with
hashsieve, and returns ``HashsievePDQIndex`` from ``get_index_cls()``: an exact Hamming index
(every entry within distance 31 is found, as pytx's PDQ threshold asks) that pickles as its hashes
and metadata, which is how HMA stores indexes and ships them to its matchers.

An HMA deployment switches by naming the class in its OMM_CONFIG file::

    from hashsieve.pytx import HashsievePdqSignal
    STORAGE_IFACE_INSTANCE = DefaultOMMStore(
        signal_types=[HashsievePdqSignal, VideoMD5Signal], ...)

This module needs python-threatexchange installed; ``import hashsieve`` alone does not.
"""

from __future__ import annotations

import threading
import typing as t

from threatexchange.signal_type.index import (
    IndexMatchUntyped,
    SignalSimilarityInfoWithIntDistance,
    SignalTypeIndex,
)
from threatexchange.signal_type.pdq.signal import PdqSignal

from . import _errors, _native

IndexT = t.TypeVar("IndexT")

# pytx's PDQ_CONFIDENT_MATCH_THRESHOLD: distances up to and including it are matches.
PDQ_MATCH_THRESHOLD = 31
_HASH_BYTES = 32
_PICKLE_VERSION = 1


def _hash_bytes(signal_str: str) -> bytes:
    try:
        raw = bytes.fromhex(signal_str)
    except (TypeError, ValueError):
        raw = b""
    if len(raw) != _HASH_BYTES:
        raise _errors.InvalidArgument(f"not a PDQ hash (64 hex digits): {signal_str!r:.80}")
    return raw


class HashsievePDQIndex(SignalTypeIndex[IndexT]):
    """A pytx PDQ index backed by hashsieve's exact index.

    Built from (hash, metadata) pairs; ``query(hash)`` returns an ``IndexMatch`` with
    ``SignalSimilarityInfoWithIntDistance`` for every entry within 31 bits, nearest first (a hash
    added twice returns both metadata values). Safe to query from many threads; the native index
    is built once after the last ``add`` and rebuilt after unpickling.
    """

    def __init__(self, entries: t.Iterable[t.Tuple[str, IndexT]] = ()) -> None:
        super().__init__()
        self._hashes = bytearray()
        self._entries: t.List[IndexT] = []
        self._index: t.Optional[_native.Index] = None
        self._lock = threading.Lock()
        self.add_all(entries)

    @classmethod
    def get_match_threshold(cls) -> int:
        return PDQ_MATCH_THRESHOLD

    @classmethod
    def build(cls, entries: t.Iterable[t.Tuple[str, IndexT]]) -> "HashsievePDQIndex[IndexT]":
        index = cls(entries)
        index._ready_index()  # the indexer pays for the build, not the first query
        return index

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, signal_str: str, entry: IndexT) -> None:
        self.add_all(((signal_str, entry),))

    def add_all(self, entries: t.Iterable[t.Tuple[str, IndexT]]) -> None:
        for signal_str, entry in entries:
            raw = _hash_bytes(signal_str)
            with self._lock:
                self._hashes += raw
                self._entries.append(entry)
                self._index = None

    def query(self, query: str) -> t.Sequence[IndexMatchUntyped[SignalSimilarityInfoWithIntDistance, IndexT]]:
        found = self._ready_index().query(query, self.get_match_threshold())
        entries = self._entries
        return [
            IndexMatchUntyped(SignalSimilarityInfoWithIntDistance(distance), entries[i]) for i, distance in found
        ]

    def _ready_index(self) -> _native.Index:
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    n = len(self._hashes) // _HASH_BYTES
                    if n == 0:
                        self._index = _native.Index([])
                    else:
                        with memoryview(self._hashes) as flat, flat.cast("B", (n, _HASH_BYTES)) as rows:
                            self._index = _native.Index(rows)
                index = self._index
        return index

    def dispose(self) -> None:
        self._index = None

    # HMA stores an index with pickle and loads it in every matcher: the state is the hashes and
    # the metadata, never the native structure, which is rebuilt on load.
    def __getstate__(self) -> t.Dict[str, t.Any]:
        with self._lock:
            return {"version": _PICKLE_VERSION, "hashes": bytes(self._hashes), "entries": list(self._entries)}

    def __setstate__(self, state: t.Dict[str, t.Any]) -> None:
        if state.get("version") != _PICKLE_VERSION:
            raise _errors.VersionMismatch(f"HashsievePDQIndex pickle version {state.get('version')!r} is not supported")
        hashes, entries = state["hashes"], state["entries"]
        if len(hashes) != len(entries) * _HASH_BYTES:
            raise _errors.CorruptionError("HashsievePDQIndex pickle: hashes and entries disagree")
        self._hashes = bytearray(hashes)
        self._entries = list(entries)
        self._index = None
        self._lock = threading.Lock()
        self._ready_index()


class HashsievePdqSignal(PdqSignal):
    """pytx's PDQ signal type, hashed and matched by hashsieve. Its name stays ``pdq``."""

    @classmethod
    def get_name(cls) -> str:
        return "pdq"

    @classmethod
    def get_index_cls(cls) -> t.Type[HashsievePDQIndex]:
        return HashsievePDQIndex

    @classmethod
    def hash_from_bytes(cls, bytes_: bytes) -> str:
        """The canonical (full-resolution) PDQ hash, or "" for an image that cannot be hashed or
        scores under QUALITY_THRESHOLD, as pytx's hashers answer."""
        try:
            result = _native.hash(bytes_)
        except _errors.Error:
            return ""
        return result.hex if result.quality >= cls.QUALITY_THRESHOLD else ""

    @classmethod
    def hash_from_file(cls, file: t.Any) -> str:
        try:
            result = _native.hash(file)
        except _errors.Error:
            return ""
        return result.hex if result.quality >= cls.QUALITY_THRESHOLD else ""


__all__ = ["HashsievePDQIndex", "HashsievePdqSignal", "PDQ_MATCH_THRESHOLD"]
