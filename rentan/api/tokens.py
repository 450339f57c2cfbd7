"""Personal API tokens as text: what is handed to the user once, and what is kept of it.

A token reads `rtn_<prefix>_<secret>`: the prefix (public, 8 characters) finds the row, the
secret (32 random bytes) proves it. Only the SHA-256 of the secret is stored: a copy of the
database does not hand out working tokens, and a secret of 256 random bits needs no slow
password hash to resist guessing."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

SCHEME = "rtn"
PREFIX_LENGTH = 8


@dataclass(frozen=True)
class NewToken:
    prefix: str
    secret: str
    secret_hash: str

    @property
    def text(self) -> str:
        """What the user copies, shown once."""
        return f"{SCHEME}_{self.prefix}_{self.secret}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii", errors="replace")).hexdigest()


def new_token() -> NewToken:
    # Hex for the prefix: no "_" in it, so the text splits at its first two underscores.
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return NewToken(prefix=prefix, secret=secret, secret_hash=hash_secret(secret))


def split_token(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token as presented, or None when it is not shaped like one."""
    scheme, _, rest = text.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix, secret


def secret_matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)
