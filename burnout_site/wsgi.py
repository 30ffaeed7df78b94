"""The WSGI application gunicorn serves (`gunicorn burnout_site.wsgi`, see the Procfile)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "burnout_site.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, DRF, their modules) lives as long as the process. Moving it to
# the permanent generation keeps Python's full garbage collections from walking it again and again: on a
# dashboard with a year of data such a collection paused a request for 80-100 ms (docs/BENCHMARKS.md).
gc.freeze()
