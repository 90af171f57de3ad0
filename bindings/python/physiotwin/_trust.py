"""Signed files from Python (docs/security.md): verify() reports as ``physiotwin verify`` does,
and the writers' ``signing_key`` argument as the tool's ``--signing-key``."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import List, Optional, Union

from . import _physiotwin as _core

PathLike = Union[str, "os.PathLike[str]"]


def key_argument(key_file: Optional[PathLike]) -> str:
    """A key file argument (``signing_key``, ``encrypt_to``, ``decryption_key``) as the core
    takes it: the file's path, or "" (the default key in the key folder)."""
    return "" if key_file is None else os.fspath(key_file)


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found. ``status``: ``"verified"`` (every object as signed, by a
    trusted key), ``"unsigned"``, ``"tampered"`` (``problems`` names each object that changed,
    went or came) or ``"untrusted"`` (intact, signed by a key not among the trusted ones).
    True only when verified."""
    status: str
    key_id: str
    problems: List[str] = field(default_factory=list)
    trusted_keys: str = ""
    report: str = ""
    #: The audit trail's entries, each checked to follow the one before (0: the file has none).
    audit_entries: int = 0

    def __bool__(self) -> bool:
        return self.status == "verified"

    def __str__(self) -> str:
        return self.report.rstrip("\n")


def verify(path: PathLike, trusted_keys: Optional[PathLike] = None) -> Verification:
    """Checks a physiotwin file's signature and every dataset's, attribute's and group's digest
    (a twin parameter file's: every parameter's), and its audit trail's chain, as ``physiotwin
    verify`` does. ``trusted_keys``: a folder of trusted public keys
    (``*.pub``; default: your key folder). Raises ValueError for an encrypted file and OSError
    for one that cannot be read as HDF5."""
    found = _core.verify_file(os.fspath(path), key_argument(trusted_keys))
    return Verification(status=found["status"], key_id=found["key_id"],
                        problems=list(found["problems"]), trusted_keys=found["trusted_keys"],
                        report=found["report"], audit_entries=found["audit_entries"])
