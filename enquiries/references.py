"""Human-friendly enquiry references, easy to read aloud over the phone: R-7KQ3MX."""

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S or 8/B: nothing a caller could mishear or misread.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6
PREFIX = "R-"


def new_reference() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
