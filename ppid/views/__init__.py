"""Officers' account pages: people management (people.py) and sign-in security (account.py);
site-wide odds and ends (site.py)."""
