"""Shared machinery of the REST API (/api/v1/): errors, authentication, paging, throttling, schema helpers.

The endpoints themselves live in each app's `apis.py`; burnout_site/api_urls.py routes them.
"""
