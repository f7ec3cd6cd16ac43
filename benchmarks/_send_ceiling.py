"""The ceiling of the sending half of dispatch: one process posting texts through the production Twilio
sender (the real twilio client) to the fake Twilio, with no database at all.

Run as ``python -m benchmarks._send_ceiling COUNT`` with the worker's PROM_* variables; prints
``sent first last`` (monotonic seconds) for the parent to time the fleet.
"""

from __future__ import annotations

import os
import sys
import time

from prom_service.channels.sms.backend import build_sms_sender
from prom_service.settings import load_settings

# Two GSM-7 segments, as long as an invitation with its link.
BODY = "Camden Care: your questionnaire is ready. Question 1/9: Little interest or pleasure in doing things? " \
       "Reply 0 Not at all, 1 Several days, 2 More than half the days, 3 Nearly every day. Reply STOP to opt out."


def main(count: int) -> int:
    sender = build_sms_sender(load_settings(), session_factory=None)
    first = time.monotonic()
    for i in range(count):
        sender.send(f"+44771{i:07d}", BODY, status_callback=None, idempotency_key=f"ceiling:{os.getpid()}:{i}")
    print(count, first, time.monotonic())
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
