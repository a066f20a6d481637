"""S3-compatible object storage (django-storages' S3 backend over boto3) for the site's files,
so that web servers and Celery workers on other machines reach the same files. The settings
(``STORAGES`` in kuzbib_site/settings/base.py) use it when ``KUZBIB_S3_BUCKET`` is set:

- ``PublicObjectStorage`` holds public media (Wagtail's images, renditions and documents),
  addressed by plain URLs that pages (and the anonymous page cache) may keep;
- ``PrivateObjectStorage`` holds private files (``STORAGES["private"]``, see
  kuzbib_site/base/storage.py) as private objects, which only the views that check permissions
  read and stream.

Both never overwrite a file of the same name (Django's filesystem behaviour, not django-storages'
default), spool large downloads to disk instead of memory, and report the storage refusing or
being unreachable as ``OSError`` (a missing object as ``FileNotFoundError``), as the local disk
does: the tasks' retries and the builds' «storage away» handling work unchanged."""

import contextlib
import errno
import posixpath

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3File, S3Storage
from storages.utils import clean_name


@contextlib.contextmanager
def storage_errors(name):
    """Turn botocore's errors into the ``OSError`` the local disk would raise: a missing object
    is ``FileNotFoundError``, anything else (refused, unreachable, timed out) ``OSError``."""
    try:
        yield
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = error.response.get("Error", {}).get("Code", "")
        if status == 404 or code in {"404", "NoSuchKey"}:
            raise FileNotFoundError(errno.ENOENT, "Not in the object storage", name) from error
        raise OSError(errno.EIO, f"The object storage refused ({code or status})", name) from error
    except BotoCoreError as error:
        raise OSError(errno.EIO, f"The object storage is unreachable: {error}", name) from error


class ObjectFile(S3File):
    """A file in a bucket, read (downloaded into a spool on first access) or written with the
    storage's errors as ``OSError``."""

    def _get_file(self):
        with storage_errors(self.name):
            return super()._get_file()

    # S3File's property is bound to its own getter: the override needs a property of its own.
    file = property(_get_file, S3File._set_file)

    def write(self, content):
        with storage_errors(self.name):
            return super().write(content)

    def close(self):
        with storage_errors(self.name):
            super().close()


class ObjectStorage(S3Storage):
    """django-storages' S3 backend with the site's defaults and errors (see the module's
    docstring); the public and private storages differ only in access."""

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            # Two uploads named «работа.pdf» in one month are two files, as on the local disk.
            "file_overwrite": False,
            # A download larger than this spools to FILE_UPLOAD_TEMP_DIR; django-storages would
            # keep the whole object in memory (a 500 MB entry in a worker or a web process).
            "max_memory_size": settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
            # Signature version 4, which every S3-compatible service accepts (version 2 is gone
            # from AWS's newer regions): it signs the private storage's short-lived URLs.
            "signature_version": "s3v4",
        }

    def _open(self, name, mode="rb"):
        with storage_errors(name):
            return ObjectFile(self._normalize_name(clean_name(name)), mode, self)

    def _save(self, name, content):
        with storage_errors(name):
            return super()._save(name, content)

    def delete(self, name):
        with storage_errors(name):
            super().delete(name)

    def exists(self, name):
        with storage_errors(name):
            return super().exists(name)

    def listdir(self, name):
        with storage_errors(name):
            return super().listdir(name)

    def size(self, name):
        with storage_errors(name):
            return super().size(name)

    def get_modified_time(self, name):
        with storage_errors(name):
            return super().get_modified_time(name)


@deconstructible
class PublicObjectStorage(ObjectStorage):
    """Public media in a bucket, at plain unsigned URLs (a signed one would expire inside a
    cached page). The bucket's policy makes the public prefixes readable, not each object's ACL
    (README, «Files on another machine / S3»)."""

    def get_default_settings(self):
        return {**super().get_default_settings(), "querystring_auth": False}


@deconstructible
class PrivateObjectStorage(ObjectStorage):
    """Private files in a bucket under ``<location>/<subdirectory>``, written with the private
    ACL. The views that check permissions stream them; ``url`` gives only an address signed for
    a minute, never a public one."""

    def __init__(self, subdirectory="", **options):
        self.subdirectory = subdirectory
        super().__init__(**options)
        if subdirectory:
            self.location = posixpath.join(self.location, subdirectory)

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
        }
