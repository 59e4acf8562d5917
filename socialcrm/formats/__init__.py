"""Date formats of our own, per language (settings.FORMAT_MODULE_PATH); Django's for the rest."""
