"""The kernelspec's command when a kernel server runs: ask it for a kernel, wait for its end.

jupyter_client starts this file (``python -I -S kernel_client.py SOCKET CONNECTION_FILE``, the
standard library only, so that it starts in a few milliseconds) in the folder being graded.
It sends the server that folder and the connection file's text, then waits: the server's
answer is the kernel's exit status, which becomes this process's own. Killing this process
(as jupyter_client does to a kernel that does not shut down) closes the connection, and the
server then kills the kernel and everything it started.
"""

from __future__ import annotations

import json
import os
import socket
import sys


def main(argv: list[str]) -> int:
    """Ask the server at ``argv[1]`` for a kernel on the connection file ``argv[2]``; the
    kernel's exit status.

    Examples
    --------
    >>> main(["kernel_client.py", "/tmp/serveur/s", "/tmp/noyau.json"])  # doctest: +SKIP
    0
    """
    server, connection = argv[1], argv[2]
    with open(connection, encoding="utf-8") as handle:
        text = handle.read()
    link = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    link.connect(server)
    link.sendall(json.dumps({"cwd": os.getcwd(), "connection": text}).encode() + b"\n")
    line = link.makefile("rb").readline()
    answer = json.loads(line) if line else {
        "exit": 1, "error": "le serveur de noyaux a fermé la connexion"}
    if answer.get("error"):
        print(f"serveur de noyaux : {answer['error']}", file=sys.stderr)
    return int(answer.get("exit", 1))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
