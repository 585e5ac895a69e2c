"""Helpers of the import tests: uploading through the page."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def upload(client, *files: tuple[str, bytes], kind: str = ""):
    """POST the upload form with these (name, content) files."""
    data = {"kind": kind, "files": [SimpleUploadedFile(name, content) for name, content in files]}
    return client.post(reverse("import_upload"), data)
