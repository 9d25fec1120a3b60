"""Stand-in for threatexchange.signal_type.index (see ../../README.md)."""

import pickle
import typing as t
from dataclasses import dataclass

T = t.TypeVar("T")
D = t.TypeVar("D")


class SignalSimilarityInfo:
    def pretty_str(self) -> str:
        return "-"


@dataclass
class SignalSimilarityInfoWithSingleDistance(t.Generic[D], SignalSimilarityInfo):
    distance: D

    def pretty_str(self) -> str:
        return str(self.distance)

    def __lt__(self, other: t.Any) -> bool:
        if not isinstance(other, SignalSimilarityInfoWithSingleDistance):
            return NotImplemented
        return self.distance < other.distance


SignalSimilarityInfoWithIntDistance = SignalSimilarityInfoWithSingleDistance[int]


class IndexMatchUntyped(t.Generic[D, T]):
    __slots__ = ["similarity_info", "metadata"]

    def __init__(self, similarity_info: D, metadata: T) -> None:
        self.similarity_info = similarity_info
        self.metadata = metadata

    def __eq__(self, other: t.Any) -> bool:
        if not isinstance(other, IndexMatchUntyped):
            return NotImplemented
        return (self.similarity_info, self.metadata) == (other.similarity_info, other.metadata)

    def __repr__(self) -> str:
        return f"IndexMatch({self.similarity_info!r}, {self.metadata!r})"


IndexMatch = IndexMatchUntyped[SignalSimilarityInfo, T]


class SignalTypeIndex(t.Generic[T]):
    def query(self, query: str) -> t.Sequence[IndexMatchUntyped]:
        raise NotImplementedError

    @classmethod
    def build(cls, entries: t.Iterable[t.Tuple[str, T]]):
        index = cls()
        index.add_all(entries)
        return index

    def add(self, signal_str: str, entry: T) -> None:
        raise NotImplementedError

    def add_all(self, entries: t.Iterable[t.Tuple[str, T]]) -> None:
        for signal_str, entry in entries:
            self.add(signal_str, entry)

    def serialize(self, fout: t.BinaryIO) -> None:
        pickle.dump(self, fout, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def deserialize(cls, fin: t.BinaryIO):
        return pickle.load(fin)

    def dispose(self) -> None:
        return None
