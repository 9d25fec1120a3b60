"""The exceptions hashsieve raises: one class per library status code, all under Error.

The classes are made from the status codes the native module lists, so a code the library adds
gets its class without an edit here. Each is named after its code in CamelCase ("not_found" ->
NotFound) unless _NAMES says otherwise, and also derives from the built-in exception in _ALSO
(so ``except ValueError`` catches a malformed argument). Type stubs: hashsieve/__init__.pyi.
"""

from __future__ import annotations

from . import _native


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


_NAMES = {"decode_failed": "DecodeError", "corruption": "CorruptionError", "internal": "InternalError"}

_ALSO: dict[str, type[Exception]] = {
    "invalid_argument": ValueError,
    "parse_error": ValueError,
    "io_error": OSError,
    "not_found": LookupError,
}

_DOCS = {
    "invalid_argument": "Something the caller passed is malformed (a bad hash, option, dtype or shape).",
    "image_too_small": "Width or height under 5 pixels: PDQ is undefined there.",
    "image_too_large": "Over a limit (bytes, width, height or pixels), refused before decoding.",
    "decode_failed": "Not an image, corrupt, truncated or an unsupported format.",
    "io_error": "A file or the database could not be read or written.",
    "not_found": "No such list, entry or database.",
    "already_exists": "A list or database of that name already exists.",
    "corruption": "Stored data failed a check.",
    "version_mismatch": "The database was written with a schema this build does not know.",
    "parse_error": "A list file is malformed.",
    "unsupported": "E.g. a SIMD level this CPU or build lacks.",
    "internal": "A fault inside the library.",
    "cancelled": "Stopped by a CancelToken or a timeout.",
}


def _class_name(code: str) -> str:
    return _NAMES.get(code) or "".join(word.capitalize() for word in code.split("_"))


def _make(code: str) -> type[Error]:
    name = _class_name(code)
    bases = (Error, _ALSO[code]) if code in _ALSO else (Error,)
    doc = _DOCS.get(code, f"The library's status code {code!r}.")
    # Module and qualified name as if written here: pickle finds the class again by them.
    return type(name, bases, {"code": code, "__doc__": doc, "__module__": __name__, "__qualname__": name})


# The native module raises the class registered here for a status code name.
_BY_CODE: dict[str, type[Error]] = {code: _make(code) for code in _native._STATUS_CODES}
globals().update({cls.__name__: cls for cls in _BY_CODE.values()})

__all__ = [cls.__name__ for cls in _BY_CODE.values()] + ["Error"]
