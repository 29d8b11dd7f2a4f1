"""Where to send someone next: only ever a path on this site."""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send someone on to another host after login.

    Refuses "//host" and "////host" (which browsers read as another host), backslashes
    (which some read as slashes) and control characters (header injection).
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("//"):
        return None
    return target
