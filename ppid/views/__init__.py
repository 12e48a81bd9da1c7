"""Officers' account pages: people management (people.py) and sign-in security (account.py)."""
