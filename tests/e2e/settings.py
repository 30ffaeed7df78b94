"""Settings for the e2e server and worker processes: the test settings, with media in the test's own folder.

burnout_site.test_settings fixes MEDIA_ROOT to .test-media, which other test runs on the
same checkout use at the same time; a private folder keeps their clean-ups off our photo.
"""

from __future__ import annotations

import os
from pathlib import Path

from burnout_site.test_settings import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["E2E_MEDIA_ROOT"])
