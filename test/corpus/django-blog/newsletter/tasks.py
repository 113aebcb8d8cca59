import datetime
import smtplib
import time

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, EmailMultiAlternatives
from django.template.loader import render_to_string

from blog.models import Post

from .models import Subscriber


@shared_task
def send_weekly_digest():
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=7)
    posts = list(Post.objects.published().filter(published_at__gte=since))
    if not posts:
        return 0
    html = render_to_string("newsletter/digest.html", {"posts": posts})
    sent = 0
    with get_connection() as conn:
        for sub in Subscriber.objects.filter(confirmed=True).iterator():
            msg = EmailMultiAlternatives("This week on the blog", "", settings.DEFAULT_FROM_EMAIL, [sub.email], connection=conn)
            msg.attach_alternative(html, "text/html")
            try:
                msg.send()
                sent += 1
            except smtplib.SMTPRecipientsRefused:
                sub.delete()
            if sent % 100 == 0:
                time.sleep(1)
    return sent
