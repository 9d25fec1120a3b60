"""The exception classes: one per status code the native module lists, under hashsieve.Error,
with the built-in bases callers catch, raised by real failures and surviving pickle."""

import pickle

import pytest

import hashsieve
from hashsieve import _errors, _native

EXPECTED = {
    "invalid_argument": ("InvalidArgument", ValueError),
    "image_too_small": ("ImageTooSmall", None),
    "image_too_large": ("ImageTooLarge", None),
    "decode_failed": ("DecodeError", None),
    "io_error": ("IoError", OSError),
    "not_found": ("NotFound", LookupError),
    "already_exists": ("AlreadyExists", None),
    "corruption": ("CorruptionError", None),
    "version_mismatch": ("VersionMismatch", None),
    "parse_error": ("ParseError", ValueError),
    "unsupported": ("Unsupported", None),
    "internal": ("InternalError", None),
    "cancelled": ("Cancelled", None),
}


def test_one_class_per_native_status_code():
    assert set(_native._STATUS_CODES) == set(EXPECTED)
    for code, (name, also) in EXPECTED.items():
        cls = getattr(hashsieve, name)
        assert cls is _errors._BY_CODE[code] is getattr(_errors, name)
        assert cls.code == code and cls.__name__ == name and cls.__module__ == "hashsieve._errors"
        assert issubclass(cls, hashsieve.Error) and cls.__doc__
        if also:
            assert issubclass(cls, also)
    assert set(hashsieve.__all__) >= {name for name, _ in EXPECTED.values()} | {"Error"}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_pickle_keeps_class_message_and_code(code):
    cls = _errors._BY_CODE[code]
    err = cls("why it failed", code)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls and back.message == "why it failed" and back.code == code and str(back) == str(err)


def test_native_failures_raise_the_class_of_their_code(tmp_path):
    with pytest.raises(hashsieve.DecodeError) as e:
        hashsieve.hash(b"not an image at all")
    assert e.value.code == "decode_failed" and e.value.message
    with pytest.raises(hashsieve.NotFound) as e:
        hashsieve.Store(tmp_path / "missing")
    assert isinstance(e.value, LookupError)
    store = hashsieve.Store(tmp_path / "db", create=True)
    store.create_list("a")
    with pytest.raises(hashsieve.AlreadyExists):
        store.create_list("a")
    restored = pickle.loads(pickle.dumps(e.value))
    assert type(restored) is hashsieve.NotFound and restored.code == "not_found"
