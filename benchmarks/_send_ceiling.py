"""The ceiling of the sending half of dispatch: one process posting texts through the production Twilio
sender (the real twilio client) to the fake Twilio, `sms.texts_in_flight` at a time as a worker sends
them, with no database at all.

Run as ``python -m benchmarks._send_ceiling COUNT`` with the worker's PROM_* variables; prints
``sent first last cpu`` (monotonic seconds of the first and last send, CPU seconds spent sending) for
the parent to time the fleet.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from prom_service.channels.sms.backend import build_sms_sender, texts_in_flight
from prom_service.settings import load_settings

# Two GSM-7 segments, as long as an invitation with its link.
BODY = "Camden Care: your questionnaire is ready. Question 1/9: Little interest or pleasure in doing things? " \
       "Reply 0 Not at all, 1 Several days, 2 More than half the days, 3 Nearly every day. Reply STOP to opt out."


def main(count: int) -> int:
    settings = load_settings()
    sender = build_sms_sender(settings, session_factory=None)

    def send(i: int) -> None:
        sender.send(f"+44771{i:07d}", BODY, status_callback=None, idempotency_key=f"ceiling:{os.getpid()}:{i}")

    with ThreadPoolExecutor(texts_in_flight(settings)) as pool:
        cpu, first = time.process_time(), time.monotonic()
        list(pool.map(send, range(count)))
        last, cpu = time.monotonic(), time.process_time() - cpu
    print(count, first, last, cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
