"""Processus enfants : un travail lancé dans un enfant, qui renvoie ses résultats par un tube.

Work run in a child process, which sends its results back through a pipe.

An import reads its files in child processes while the main process, the only one that
touches the database, writes (see ``load/sales.py`` and ``profile/store.py``): two cores
work at once.
:func:`start` runs ``function(job, send)`` in a child running :func:`main`;
the function sends tuples of plain values (:mod:`marshal`) and the main process reads them
with :meth:`Child.receive`, in the order sent.

The child runs the very package its parent runs, never code found in the working
directory: ``python -m`` or ``-c`` would put that directory first on ``sys.path``, and a
``ventes_pme`` folder there (a download folder, another checkout's ``src/``) would be
imported and executed (CWE-427). The child is this Python started with ``-P`` (no such
path added); it then puts :data:`PACKAGE_ROOT`, the folder this package was imported from,
on its path if it is not there already (a package run from a checkout without being
installed). The rest of the environment (``PYTHONPATH``, the virtual environment, the user's
site-packages) is kept.

Safety comes from the roles: a child never opens the database. A child that dies (or is
killed) leaves the main process with a closed pipe, which :meth:`Child.receive` reports as
:class:`ChildError`: the import's transaction is rolled back, the database is exactly as it
was. A main process that dies takes its children with it: each asks Linux to SIGKILL it
when its parent dies (``PR_SET_PDEATHSIG``) and, on any system, its next write into the
closed pipe fails. A child runs in a session of its own, so Ctrl+C in a terminal reaches
the main process only, which rolls back and then ends the child (:meth:`Child.close`).

A message is 4 bytes of length, then its :mod:`marshal` payload. Besides the function's
own messages, the child sends ``("error", message)`` for a problem of the file (raised as
:class:`~ventes_pme.errors.FileFormatError` in the main process), ``("crash", summary,
traceback)`` for a bug, and ``("exit",)`` when the function returned.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import marshal
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable
from typing import IO, Any

from ventes_pme import french
from ventes_pme.errors import FileFormatError, VentesError

_LENGTH = struct.Struct("<I")

#: Below this many bytes to read, work is done in the importing process itself: starting a
#: child (a Python start-up) costs more than it saves on a small file.
IN_PROCESS_BELOW = 256 * 1024
#: Bytes the pipe from a child holds (Linux allows an unprivileged process 1 MiB by
#: default, /proc/sys/fs/pipe-max-size): several messages of a few hundred kB.
PIPE_BYTES = 1024 * 1024

Message = tuple[Any, ...]
Send = Callable[[Message], None]

#: The folder this package was imported from (site-packages, or a checkout's ``src/``).
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ChildError(VentesError):
    """A child process stopped before the end (killed, or a bug in it)."""

    exit_code = 70


def writer(out: IO[bytes]) -> Send:
    """A :data:`Send` writing framed messages into ``out``."""

    def send(message: Message) -> None:
        data = marshal.dumps(message)
        out.write(_LENGTH.pack(len(data)))
        out.write(data)
        out.flush()

    return send


def read_message(source: IO[bytes]) -> Message | None:
    """The next message from ``source``; None when the pipe is closed before a whole one."""
    head = source.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = source.read(size)
    if len(data) < size:
        return None
    # written by our own child into a pipe only the two processes hold: trusted data
    message = marshal.loads(data)  # noqa: S302
    assert isinstance(message, tuple)
    return message


def object_message(value: object) -> Message:
    """A message carrying any picklable object (dataclasses…), for :meth:`Child.receive_object`."""
    return ("object", pickle.dumps(value))


def _object_of(message: Message) -> Any:
    """The object an :func:`object_message` carries."""
    assert message[0] == "object", message[0]
    # written by our own process, or its child through a pipe only the two hold: trusted
    return pickle.loads(message[1])  # noqa: S301


class Child:
    """A child process running ``function(job, send)``; use it as a context manager, so
    that it is ended (SIGKILL) and waited for whatever happens."""

    def __init__(self, what: str, function: Callable[[Any, Send], None], job: object) -> None:
        # imported here, as traceback in main(): the child, which imports this module
        # first, needs neither (each costs its start a few ms)
        import subprocess

        #: what the child does, in French, after "le processus chargé" ("de la lecture…")
        self.what = what
        self.proc = subprocess.Popen(
            # this Python, no working directory on its path (see the module's docstring);
            # the first pickle on its standard input is PACKAGE_ROOT (a str: unpickling it
            # imports nothing)
            [
                sys.executable,
                "-P",
                "-c",
                "import os, pickle, sys\n"
                "root = pickle.load(sys.stdin.buffer)\n"
                "if root not in map(os.path.abspath, sys.path): sys.path.insert(0, root)\n"
                "from ventes_pme.processes import main\n"
                "sys.exit(main())\n",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # Ctrl+C reaches the main process only
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        # A deep pipe: the child may run up to PIPE_BYTES ahead of this process, instead of
        # the 64 KiB Linux gives (less than one message: both processes then wait in turn).
        with contextlib.suppress(OSError):  # (a smaller pipe only costs time)
            fcntl.fcntl(self.proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        try:
            pickle.dump(PACKAGE_ROOT, self.proc.stdin)
            pickle.dump((function, job, os.getpid()), self.proc.stdin)
            self.proc.stdin.close()
        except BrokenPipeError:
            pass  # the child died at once: said by receive, when its pipe is found closed

    def receive(self) -> Message:
        """The next message of the function; raises :class:`ChildError` if the child
        stopped before the end, FileFormatError for a problem of the file."""
        assert self.proc.stdout is not None
        message = read_message(self.proc.stdout)
        if message is None:
            code = self.proc.wait()
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"code {code}"
            raise ChildError(
                f"Le processus chargé {self.what} s'est arrêté avant la fin ({how}) : "
                "import annulé, la base est inchangée."
            )
        if message[0] == "error":
            raise FileFormatError(str(message[1]))
        if message[0] == "crash":
            detail = f"\n{message[2]}" if french.debug() else ""
            raise ChildError(
                f"Erreur inattendue dans le processus chargé {self.what} ({message[1]}) : "
                "import annulé, la base "
                f"est inchangée. Relancez avec VENTES_DEBUG=1 pour le détail.{detail}"
            )
        return message

    def receive_object(self) -> Any:
        """The next message, sent by :func:`object_message`: the object it carries."""
        return _object_of(self.receive())

    def close(self) -> None:
        """End the child if it still runs, and wait for it."""
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcess:
    """The interface of :class:`Child` for work too small to be worth a process
    (:func:`start`): the function runs in this process at the first :meth:`receive`, and
    copies of its messages (those of a small file: a few at most) are kept until received."""

    def __init__(self, function: Callable[[Any, Send], None], job: object) -> None:
        self.function, self.job = function, job
        self.messages: collections.deque[Message] | None = None

    def receive(self) -> Message:
        if self.messages is None:
            self.messages = collections.deque()
            # each message copied as a child's would be (marshal): the sender may reuse
            # what it sent, and the receiver gets the same types either way
            self.function(self.job, self._keep)  # its errors are raised here
            self.messages.append(("exit",))
        return self.messages.popleft()

    def _keep(self, message: Message) -> None:
        assert self.messages is not None
        self.messages.append(marshal.loads(marshal.dumps(message)))  # noqa: S302

    def receive_object(self) -> Any:
        return _object_of(self.receive())

    def close(self) -> None:
        self.messages = None

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start(
    what: str, function: Callable[[Any, Send], None], job: object, *, size: int
) -> Child | InProcess:
    """``function(job, send)`` in a child process (:class:`Child`), or in this one when
    ``size``, the bytes it has to read, is below :data:`IN_PROCESS_BELOW`."""
    if size < IN_PROCESS_BELOW:
        return InProcess(function, job)
    return Child(what, function, job)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (nothing elsewhere); go now
    if ``parent`` died before the request (this process then has another parent: init, or
    a subreaper such as ``tini -s``)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def main() -> int:
    """The child (:class:`Child`): a pickled ``(function, job, parent pid)`` on standard
    input (after the pickled :data:`PACKAGE_ROOT` its start read), the messages on standard
    output."""
    # written by the main process into a pipe only the two processes hold: trusted data
    function, job, parent = pickle.load(sys.stdin.buffer)  # noqa: S301
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl+C
    # buffered even under PYTHONUNBUFFERED (then sys.stdout.buffer is a raw FileIO, whose
    # write may be partial when a signal interrupts it): BufferedWriter writes it all
    send = writer(open(sys.stdout.fileno(), "wb", closefd=False))  # noqa: SIM115
    try:
        try:
            function(job, send)
        except FileFormatError as exc:
            send(("error", exc.message))
            return 0
        except Exception as exc:
            import traceback

            send(("crash", f"{exc.__class__.__name__} : {exc}", traceback.format_exc()))
            return 70
        send(("exit",))
    except BrokenPipeError:  # the main process is gone: nobody to tell
        os._exit(1)
    return 0
