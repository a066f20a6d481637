"""Where the private files live: what the apps' private file fields use (contest entries,
previews, copies for the jury, proposals, dynasties' photos, heroes imports, background builds).

``PrivateStorage(subdirectory)`` hands every call to the backend that ``STORAGES["private"]``
names, chosen when a file is used, not when the models load: a deployment (or a test) that moves
the files moves every field with them. The backends are ``PrivateFileSystemStorage`` (under
``PRIVATE_MEDIA_ROOT``, the default) and ``kuzbib_site.base.object_storage.PrivateObjectStorage``
(private objects in an S3-compatible bucket, so that web servers and workers on other machines
reach the same files). Private files have no public address: the views that check permissions
stream them."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string

# What ``STORAGES["private"]`` is when a site (one that installs the apps into its own project)
# does not name it.
DEFAULT_PRIVATE = {"BACKEND": "kuzbib_site.base.storage.PrivateFileSystemStorage"}


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """Private files under ``PRIVATE_MEDIA_ROOT/<subdirectory>`` (read when used, so tests and
    deployments can move it): never below MEDIA_URL, served only by views that check
    permissions."""

    def __init__(self, subdirectory=""):
        self.subdirectory = subdirectory
        # Readable by the site's own user only: applicants' files are personal data.
        super().__init__(
            base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
        )

    @property
    def base_location(self):
        return Path(settings.PRIVATE_MEDIA_ROOT) / self.subdirectory

    @property
    def location(self):
        return os.path.abspath(self.base_location)


_backends = {}


def private_backend(subdirectory):
    """The storage that ``STORAGES["private"]`` names, for ``subdirectory``: one instance per
    configuration, so a changed setting gets a new one."""
    config = settings.STORAGES.get("private", DEFAULT_PRIVATE)
    key = (subdirectory, repr(config))
    backend = _backends.get(key)
    if backend is None:
        backend_class = import_string(config["BACKEND"])
        backend = backend_class(subdirectory=subdirectory, **config.get("OPTIONS", {}))
        _backends[key] = backend
    return backend


@deconstructible
class PrivateStorage(Storage):
    """The private storage of one folder (``entries``, ``builds``…): whatever backend
    ``STORAGES["private"]`` names when a file is used (see the module's docstring)."""

    def __init__(self, subdirectory=""):
        self.subdirectory = subdirectory

    @property
    def backend(self):
        return private_backend(self.subdirectory)

    @property
    def base_location(self):
        """The folder on the local disk (the filesystem backend only)."""
        return self.backend.base_location

    @property
    def location(self):
        return self.backend.location

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return self.backend.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def is_name_available(self, name, max_length=None):
        return self.backend.is_name_available(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def path(self, name):
        """The local path: the filesystem backend only (the object storage raises
        NotImplementedError); code that needs a path copies the file to a temporary one."""
        return self.backend.path(name)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        return self.backend.url(name)

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)
