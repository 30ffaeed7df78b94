"""The machinery of the `manage.py bench_*` commands, apart from the product modules.

The commands keep their homes and names (emotions/management/commands/bench_dashboard, bench_portal,
bench_inference; telegram_bridge/management/commands/bench_webhook) and only parse options and print one
JSON line; the timing lives here: pages.py (a page through Django's test client), inference.py (the photo
path and the bulk path of emotions/ml), webhook.py (the webhook's load generator, closed and open loop),
webhook_tally.py (what a run stored and queued), and stats.py (the
one percentile definition every figure uses). Figures go to docs/BENCHMARKS.md, never into unit tests.
"""
