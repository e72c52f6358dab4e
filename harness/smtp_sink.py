"""A real SMTP server, for the faults suite and the benchmark's mail relay:
`python harness/smtp_sink.py PORT FOLDER`.

Each accepted message is saved as FOLDER/messages/<n>.eml (written whole, then
renamed, so a reader never sees half a message). Two flag files change how it
answers, so a test can switch it without restarting it:

- FOLDER/refuse: every RCPT and DATA is answered 451 (a temporary refusal, as a
  mail server that is overloaded or greylisting answers), each counted in
  FOLDER/refusals.log;
- FOLDER/slow: each RCPT is held unanswered (up to a minute) while the flag exists,
  and the client's port is written to FOLDER/busy: a send caught mid-way.

Only once the whole message has arrived is it saved, as a real server would.
"""

import asyncio
import itertools
import os
import signal
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller

REFUSED = "451 4.3.0 Temporarily refusing mail, try again later"


class Sink:
    def __init__(self, folder: Path):
        self.folder = folder
        self.messages = folder / "messages"
        self.messages.mkdir(parents=True, exist_ok=True)
        self.numbers = itertools.count(1)

    def _refusing(self, what: str) -> bool:
        if not (self.folder / "refuse").exists():
            return False
        with (self.folder / "refusals.log").open("a") as log:
            log.write(f"{time.time():.3f} {what}\n")
        return True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        slow, deadline = self.folder / "slow", time.monotonic() + 60
        if slow.exists():
            (self.folder / "busy").write_text(str(session.peer[1]))
            while slow.exists() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        if self._refusing("RCPT"):
            return REFUSED
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self._refusing("DATA"):
            return REFUSED
        number = next(self.numbers)
        name = f"{time.time_ns()}-{number:05d}"
        partial = self.messages / f"{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        os.replace(partial, self.messages / f"{name}.eml")
        print(f"saved message {number}", flush=True)  # noqa: T201
        return "250 Message accepted for delivery"


def main() -> None:
    port, folder = int(sys.argv[1]), Path(sys.argv[2])
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)  # noqa: T201
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            signal.pause()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
