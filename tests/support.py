"""What tests that start the production settings in a fresh process share."""

# Every variable production insists on, with harmless values.
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "referral_site.settings.prod",
    "DJANGO_SECRET_KEY": "x" * 50,
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWtleS10ZXN0LW9ubHkta2V5LXRlc3Q=",
    "DATABASE_URL": "postgres://u:p@db:5432/referral_site",
    "CACHE_URL": "redis://cache:6379/1",
    "DJANGO_ALLOWED_HOSTS": "example.org",
}
