class Conflict(Exception):
    """An action that cannot happen in the object's current state (HTTP 409)."""

    state: str = ""
