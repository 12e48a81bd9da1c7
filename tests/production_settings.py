"""Production settings for the test server (tests/production.py): ppid.settings as they are,
with DJANGO_DEBUG off and a strong key from the environment, except for

- the URLconf, which adds one URL that fails on purpose (tests/production_site.py). Nothing in
  ppid/ knows of it, so it can never be reached in production;
- the password hasher of the whole suite (tests/conftest.py), so that the server accepts the
  passwords the tests set (a production hasher takes most of a second per sign-in).

The WSGI application is tests/production_wsgi.py.
"""

from ppid.settings import *  # noqa: F403

ROOT_URLCONF = "tests.production_site"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
