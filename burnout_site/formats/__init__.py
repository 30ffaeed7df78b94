"""One date format per language (FORMAT_MODULE_PATH in settings.py).

Django's own locales give each language several styles (English "Dec. 7, 2026" beside "12/07/2026", Russian a
spelled month beside "07.12.2026"), so one page could show the same day two ways. Here the long and the short
names are the same per language: every `|date:"DATE_FORMAT"` or `"SHORT_DATE_FORMAT"` reads one way. English
spells the month (a numeric 07/12 is read as July in one country and December in another); times are 24-hour.
"""
