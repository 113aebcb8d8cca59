from celery import Celery

app = Celery("crm", broker="redis://localhost:6379/2")
app.conf.task_default_queue = "crm"
