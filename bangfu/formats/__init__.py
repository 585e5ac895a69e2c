"""Number and date formats that differ from Django's for a locale (settings.FORMAT_MODULE_PATH);
whatever a module here leaves out Django's own locale module gives."""
