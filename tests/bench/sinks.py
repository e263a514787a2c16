"""Where the product's mail and SMS go during the bench: the SMTP server and the SMS gateway
the test suite uses (tests/support.py), in the bench's own process.

Signing the load's members in sends each of them a new-device notice. With nowhere to send
it, the outbox kept retrying during the measurements: 658 failed attempts, 7% of the
product's CPU, in a 6-second profile of `me` under load. Sent once and taken, they are gone
before the first measurement.
"""

from __future__ import annotations

from aiosmtpd.controller import Controller

from tests.support import Inbox, SmsGateway, SmtpHandler


class Sinks:
    """A running SMTP server and SMS gateway on loopback; `stop()` ends both."""

    def __init__(self) -> None:
        from tests.bench.process import free_port  # process.py starts the sinks

        self.inbox = Inbox()
        self.smtp_port = free_port()
        self._smtp = Controller(SmtpHandler(self.inbox), hostname="127.0.0.1", port=self.smtp_port)
        self._sms = SmsGateway(self.inbox)
        self._smtp.start()
        self._sms.thread.start()

    @property
    def sms_port(self) -> int:
        return self._sms.server.server_address[1]

    def stop(self) -> None:
        self._smtp.stop()
        self._sms.server.shutdown()
        self._sms.server.server_close()
