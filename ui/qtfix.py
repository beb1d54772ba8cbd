"""A guard against a reference-count bug of PySide6 6.12 on Python 3.11.

Measured here: ``Signal.emit()`` returns ``True`` and ``QLineEdit.setText()`` / ``QObject.property()``
return ``None`` without taking a reference. Each call lowers the count of that singleton by one;
after a few thousand edits CPython frees ``None`` or ``True`` and aborts ("deallocating None").
From Python 3.12 these singletons are immortal and the bug is harmless. Here they live as long
as the interpreter anyway, so giving them a large reserve of references makes the drift harmless.
"""
from __future__ import annotations

import sys

_RESERVE = 1 << 40
_done = False


def protect_singletons() -> None:
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    _done = True
