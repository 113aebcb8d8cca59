"""E-mail notifications. Sent from BackgroundTasks, which runs plain functions in a threadpool."""
import logging
import smtplib
import time
from email.message import EmailMessage

from app.config import settings

log = logging.getLogger(__name__)

SMTP_HOST = "localhost"
SMTP_PORT = 1025


def _send(message: EmailMessage, retries: int = 3) -> None:
    for attempt in range(1, retries + 1):
        try:
            with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=10) as smtp:
                smtp.send_message(message)
            return
        except (smtplib.SMTPException, OSError):
            log.exception("smtp failure, attempt %d/%d", attempt, retries)
            time.sleep(attempt)
    log.error("giving up on %s", message["To"])


def send_order_confirmation(email: str, order_number: str, total: str) -> None:
    msg = EmailMessage()
    msg["From"] = "shop@example.com"
    msg["To"] = email
    msg["Subject"] = f"Order {order_number} confirmed"
    msg.set_content(f"Thanks for your order! Total: {total}\n")
    if settings.debug:
        log.info("debug mode, not sending:\n%s", msg)
        return
    _send(msg)


def send_password_reset(email: str, token: str) -> None:
    msg = EmailMessage()
    msg["To"] = email
    msg["Subject"] = "Reset your password"
    msg.set_content(f"https://shop.example.com/reset?token={token}")
    _send(msg)
