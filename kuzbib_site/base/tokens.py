import secrets


def new_token():
    """A private link's secret: 256 bits, URL-safe. Whoever holds the link may act on what it
    names (see a registration, withdraw an entry), so it is never shown to anyone else."""
    return secrets.token_urlsafe(32)
