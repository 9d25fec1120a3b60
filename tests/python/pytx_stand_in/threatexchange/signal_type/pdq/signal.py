"""Stand-in for threatexchange.signal_type.pdq.signal (see ../../../README.md)."""

import re
import typing as t

from threatexchange.signal_type.index import SignalTypeIndex


class PdqSignal:
    INDICATOR_TYPE = "HASH_PDQ"
    QUALITY_THRESHOLD = 50

    @classmethod
    def get_name(cls) -> str:
        # pytx derives the name from the class name: FooBarSignal -> foo_bar.
        name = cls.__name__[: -len("Signal")] if cls.__name__.endswith("Signal") else cls.__name__
        return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()

    @classmethod
    def get_index_cls(cls) -> t.Type[SignalTypeIndex]:
        raise NotImplementedError("the stand-in has no index of its own")

    @classmethod
    def validate_signal_str(cls, signal_str: str) -> str:
        if not re.match("^[0-9a-f]{64}$", signal_str):
            raise ValueError("invalid PDQ hash")
        return signal_str

    @classmethod
    def hash_from_bytes(cls, bytes_: bytes) -> str:
        raise NotImplementedError("the stand-in has no hasher of its own")
