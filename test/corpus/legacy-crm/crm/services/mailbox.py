"""Pulls replies from the shared sales inbox over IMAP (blocking library)."""
import email
import imaplib
import logging
from email.header import decode_header, make_header
from typing import Iterator, NamedTuple

from crm.async_utils import run_in_thread

log = logging.getLogger(__name__)


class Message(NamedTuple):
    uid: str
    sender: str
    subject: str
    body: str


def _text_of(msg: email.message.Message) -> str:
    if msg.is_multipart():
        for part in msg.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace")
        return ""
    return msg.get_payload(decode=True).decode(msg.get_content_charset() or "utf-8", "replace")


def fetch_unseen(host: str, user: str, password: str, folder: str = "INBOX") -> Iterator[Message]:
    with imaplib.IMAP4_SSL(host) as imap:
        imap.login(user, password)
        imap.select(folder)
        typ, data = imap.uid("search", None, "UNSEEN")
        if typ != "OK":
            log.warning("search failed: %s", typ)
            return
        for uid in data[0].split():
            typ, parts = imap.uid("fetch", uid, "(RFC822)")
            if typ != "OK" or not parts or parts[0] is None:
                continue
            msg = email.message_from_bytes(parts[0][1])
            yield Message(
                uid=uid.decode(),
                sender=email.utils.parseaddr(msg["From"])[1],
                subject=str(make_header(decode_header(msg["Subject"] or ""))),
                body=_text_of(msg),
            )


@run_in_thread
def count_unseen(host: str, user: str, password: str) -> int:
    with imaplib.IMAP4_SSL(host) as imap:
        imap.login(user, password)
        imap.select("INBOX", readonly=True)
        _, data = imap.search(None, "UNSEEN")
        return len(data[0].split())
