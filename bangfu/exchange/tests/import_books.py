"""Helpers of the import tests: uploading through the page."""

from django.urls import reverse

from bangfu.exchange.imports.tests.books import xlsx  # noqa: F401 -- the tests' workbooks, re-exported


def upload(client, *files: tuple[str, bytes], kind: str = ""):
    """POST the upload form with these (name, content) files."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"kind": kind, "files": [SimpleUploadedFile(name, content) for name, content in files]}
    return client.post(reverse("import_upload"), data)
