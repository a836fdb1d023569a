"""Settings for the Celery worker that the browser and delivery tests start in a subprocess.

``project.test_settings`` pins the in-memory mail backend, which another process cannot
read; this module takes the mail backend (and the worker's own queue) from the environment
instead (the worker fixture sets them), and is otherwise the test settings unchanged.
"""

import os

from project.test_settings import *  # noqa: F403

# The worker's own publishes (a retry, the sweep's deliveries) go to the queue it consumes.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "notifications.tests.mail_backend.FileOrRefusedSMTPBackend")
