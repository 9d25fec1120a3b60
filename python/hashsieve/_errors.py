"""The exceptions hashsieve raises: one class per library status code, all under Error."""

from __future__ import annotations


class Error(Exception):
    """Base of every hashsieve error. ``code`` is the library's status code name."""

    code: str = "internal"

    def __init__(self, message: str = "", code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidArgument(Error, ValueError):
    """Something the caller passed is malformed (a bad hash, option, dtype or shape)."""

    code = "invalid_argument"


class ImageTooSmall(Error):
    """Width or height under 5 pixels: PDQ is undefined there."""

    code = "image_too_small"


class ImageTooLarge(Error):
    """Over a limit (bytes, width, height or pixels), refused before decoding."""

    code = "image_too_large"


class DecodeError(Error):
    """Not an image, corrupt, truncated or an unsupported format."""

    code = "decode_failed"


class IoError(Error, OSError):
    """A file or the database could not be read or written."""

    code = "io_error"


class NotFound(Error, LookupError):
    """No such list, entry or database."""

    code = "not_found"


class AlreadyExists(Error):
    code = "already_exists"


class CorruptionError(Error):
    """Stored data failed a check."""

    code = "corruption"


class VersionMismatch(Error):
    """The database was written with a schema this build does not know."""

    code = "version_mismatch"


class ParseError(Error, ValueError):
    """A list file is malformed."""

    code = "parse_error"


class Unsupported(Error):
    """E.g. a SIMD level this CPU or build lacks."""

    code = "unsupported"


class InternalError(Error):
    code = "internal"


class Cancelled(Error):
    code = "cancelled"


# The native module raises the class registered here for a status code name.
_BY_CODE: dict[str, type[Error]] = {
    cls.code: cls
    for cls in (
        InvalidArgument, ImageTooSmall, ImageTooLarge, DecodeError, IoError, NotFound, AlreadyExists,
        CorruptionError, VersionMismatch, ParseError, Unsupported, InternalError, Cancelled,
    )
}

__all__ = [c.__name__ for c in _BY_CODE.values()] + ["Error"]
