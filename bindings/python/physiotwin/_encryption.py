"""Encrypted twins from Python (docs/security.md, "Encrypted twins"): files sealed to a
recipient's public key and opened again, as ``physiotwin encrypt`` and ``decrypt`` do, and a new
encryption key pair, as ``physiotwin keys new --for encryption`` makes. The writers and readers
of twins take the same keys: ``Model.save(encrypt_to=)``, ``Twin.snapshot(encrypt_to=)``,
``personalise``/``Twin(decryption_key=)`` and ``Twin.restore(decryption_key=)``.

A private key is ``decryption_key`` when given, else ``encryption.key`` in your key folder
(``$PHYSIOTWIN_KEYS``, else ``~/.config/physiotwin/keys``), read only when an encrypted input is
met. Bad input (a missing or corrupt key, another recipient's key, a changed or truncated file)
raises ValueError naming what and where, and nothing is written."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

from . import _physiotwin as _core
from ._trust import key_argument as key_file_argument

PathLike = Union[str, "os.PathLike[str]"]


def encrypt(path: PathLike, *, to: PathLike, out: PathLike) -> Path:
    """Encrypts any file to the public key ``to`` (an ``encryption.pub``), streaming, into
    ``out`` (never an input; written whole or not at all). Returns ``out``. An already
    encrypted file is refused."""
    _core.encrypt_file(os.fspath(path), os.fspath(to), os.fspath(out))
    return Path(out)


def decrypt(path: PathLike, *, out: PathLike, decryption_key: Optional[PathLike] = None) -> Path:
    """Opens a file encrypted to your key into ``out``, written mode 0600 and whole or not at
    all: a changed, truncated or extended file leaves nothing behind. Returns ``out``. A plain
    file is refused."""
    _core.decrypt_file(os.fspath(path), os.fspath(out), key_file_argument(decryption_key))
    return Path(out)


def new_encryption_key(folder: Optional[PathLike] = None) -> Path:
    """Makes an X25519 key pair in ``folder`` (default: your key folder), created mode 0700:
    ``encryption.key`` (mode 0600; keep it, and a backup, where only you can reach it) and
    ``encryption.pub`` (give it to whoever encrypts twins for you). Never replaces a key: that
    is a ValueError. Returns the private key's path."""
    return Path(_core.new_encryption_key(key_file_argument(folder)))


__all__ = ["decrypt", "encrypt", "new_encryption_key"]
