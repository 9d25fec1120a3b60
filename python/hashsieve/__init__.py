"""hashsieve: bit-exact PDQ hashing and exact matching against hash lists (NCMEC, StopNCII,
ThreatExchange, Tech Against Terrorism), without keeping images.

    import hashsieve
    h = hashsieve.hash("photo.jpg")                 # .hex, .quality
    store = hashsieve.Store("hashsieve.db")
    scanner = hashsieve.Scanner(store)
    result = scanner.scan(upload_bytes)             # .outcome, .matches

All native work runs with the GIL released. Errors are hashsieve.Error subclasses carrying the
library's status code name in .code. The python-threatexchange signal type is hashsieve.pytx.
"""

from ._errors import (
    AlreadyExists,
    Cancelled,
    CorruptionError,
    DecodeError,
    Error,
    ImageTooLarge,
    ImageTooSmall,
    InternalError,
    InvalidArgument,
    IoError,
    NotFound,
    ParseError,
    Unsupported,
    VersionMismatch,
)
from ._native import (
    CancelToken,
    Entry,
    ExportIterator,
    HashResult,
    ImportSummary,
    Index,
    ListInfo,
    Match,
    RowError,
    Scanner,
    ScanResult,
    Store,
    __version__,
    hash,
)

DIHEDRAL_NAMES = ("orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm")
DEFAULT_RADIUS = 31

__all__ = [
    "AlreadyExists", "Cancelled", "CorruptionError", "DecodeError", "Error", "ImageTooLarge",
    "ImageTooSmall", "InternalError", "InvalidArgument", "IoError", "NotFound", "ParseError",
    "Unsupported", "VersionMismatch",
    "CancelToken", "Entry", "ExportIterator", "HashResult", "ImportSummary", "Index", "ListInfo", "Match",
    "RowError", "Scanner", "ScanResult", "Store", "hash",
    "DIHEDRAL_NAMES", "DEFAULT_RADIUS", "__version__",
]
