"""Payment pages and webhooks outside the API (none yet)."""
