"""Type stubs for hashsieve (the native classes live in hashsieve._native)."""

import os
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

# The exceptions (made at import time in hashsieve._errors, one per library status code).
class Error(Exception):
    code: str
    def __init__(self, message: str = ..., code: Optional[str] = ...) -> None: ...
    @property
    def message(self) -> str: ...

class InvalidArgument(Error, ValueError): ...
class ImageTooSmall(Error): ...
class ImageTooLarge(Error): ...
class DecodeError(Error): ...
class IoError(Error, OSError): ...
class NotFound(Error, LookupError): ...
class AlreadyExists(Error): ...
class CorruptionError(Error): ...
class VersionMismatch(Error): ...
class ParseError(Error, ValueError): ...
class Unsupported(Error): ...
class InternalError(Error): ...
class Cancelled(Error): ...

# Encoded bytes (any bytes-like), a path, or a uint8 pixel array HxW / HxWx1 / HxWx3 / HxWx4.
ImageSource = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", Any]
# 64 hex digits, or the same value as 32 big-endian bytes.
HashValue = Union[str, bytes, bytearray, memoryview]

DIHEDRAL_NAMES: Tuple[str, ...]
DEFAULT_RADIUS: int
__version__: str

class HashResult:
    """The PDQ hash of one image."""
    @property
    def hex(self) -> str: ...
    @property
    def bytes(self) -> bytes: ...
    @property
    def quality(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def dihedral(self) -> Optional[Dict[str, str]]: ...

def hash(
    source: ImageSource,
    *,
    dihedral: bool = False,
    flavor: str = "fullres",
    max_pixels: int = 100_000_000,
    order: str = "rgb",
    simd: str = "auto",
) -> HashResult:
    """PDQ hash of encoded bytes, a path or a uint8 pixel array. Raises DecodeError,
    ImageTooLarge, ImageTooSmall, IoError, or ValueError for a wrong type, dtype or shape."""

class ListInfo:
    name: str
    radius: int
    source: str
    active: int
    withdrawn: int
    created_ms: int
    updated_ms: int

class RowError:
    file: str
    line: int
    reason: str

class ImportSummary:
    added: int
    updated: int
    unchanged: int
    withdrawn: int
    not_found: int
    batches: int
    skipped: int
    benign: int
    superseded: int
    error_count: int
    errors: List[RowError]

class Entry:
    entry_id: str
    hash: Optional[str]
    quality: Optional[int]
    metadata: Any
    state: str  # "active" or "withdrawn"

class ExportIterator(Iterator[Entry]):
    def __iter__(self) -> "ExportIterator": ...
    def __next__(self) -> Entry: ...

class Store:
    path: str
    def __init__(self, path: Union[str, "os.PathLike[str]"], *, create: bool = False, read_only: bool = False) -> None: ...
    def create_list(self, name: str, radius: int = 31, source: Optional[str] = None) -> ListInfo: ...
    def get_list(self, name: str) -> ListInfo: ...
    def lists(self) -> List[ListInfo]: ...
    def drop_list(self, name: str) -> None: ...
    def import_file(self, name: str, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None) -> ImportSummary: ...
    def withdraw(self, name: str, ids: Sequence[str]) -> ImportSummary: ...
    def purge(self, name: str) -> int: ...
    def export(self, name: str) -> ExportIterator: ...
    def verify(self) -> None: ...

class Match:
    list: str
    entry_id: str
    distance: int
    transform: Optional[str]  # None for matches of given hashes
    metadata: Any
    signal: str  # "pdq", or "md5", "sha1", "sha256", "sha512": an exact match of the upload's bytes

class ScanResult:
    outcome: str  # "match", "no_match", "low_quality", "error"
    quality: int
    error: Optional[Error]
    matches: List[Match]
    hash: Optional[str]
    reduced: bool
    generation: int

class CancelToken:
    """Pass as cancel= to a scan; cancel() from any thread stops its items (Cancelled)."""
    def __init__(self) -> None: ...
    def cancel(self) -> None: ...
    @property
    def cancelled(self) -> bool: ...

class Scanner:
    def __init__(
        self,
        store: Store,
        *,
        lists: Optional[Sequence[str]] = None,
        radius: Optional[int] = None,
        dihedral: bool = True,
        min_quality: int = 50,
        fast: bool = False,
        match_low_quality: bool = False,
        list_radius: Optional[Mapping[str, int]] = None,
        allow: Optional[Sequence[Tuple[str, str]]] = None,
        max_pixels: int = 100_000_000,
        constant_time: bool = False,
        order: str = "rgb",
        flavor: str = "fullres",
        simd: str = "auto",
    ) -> None: ...
    def scan(
        self,
        source: ImageSource,
        *,
        lists: Optional[Sequence[str]] = None,
        radius: Optional[int] = None,
        timeout: Optional[float] = None,
        cancel: Optional[CancelToken] = None,
    ) -> ScanResult: ...
    def scan_many(
        self,
        sources: Iterable[ImageSource],
        threads: int = 0,
        *,
        lists: Optional[Sequence[str]] = None,
        radius: Optional[int] = None,
        timeout: Optional[float] = None,
        cancel: Optional[CancelToken] = None,
    ) -> List[ScanResult]: ...
    def match(
        self,
        # A sequence of hex strings / 32-byte values; or, fastest, n*32 bytes in one buffer or an
        # (n, 32) uint8 numpy array (any strides).
        hashes: Union[Sequence[HashValue], bytes, bytearray, memoryview, Any],
        *,
        lists: Optional[Sequence[str]] = None,
        radius: Optional[int] = None,
        timeout: Optional[float] = None,
        cancel: Optional[CancelToken] = None,
        threads: int = 0,
    ) -> List[List[Match]]: ...
    def reload(self) -> Dict[str, Any]: ...
    @property
    def generation(self) -> Dict[str, Any]: ...

class Index:
    """Exact Hamming search over hashes held in memory; entries numbered in input order."""
    def __init__(self, hashes: Union[Sequence[HashValue], Any]) -> None: ...
    def __len__(self) -> int: ...
    def query(self, hash: HashValue, radius: int = 31) -> List[Tuple[int, int]]: ...
    def search(self, queries: Union[Sequence[HashValue], Any], radius: int = 31) -> List[List[Tuple[int, int]]]: ...
    def hashes(self) -> bytes: ...
