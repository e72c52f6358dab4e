"""Staff login security: second factor, lockout, session expiry. Imported by base.py."""
