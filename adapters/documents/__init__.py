"""Documents by reference: the port, its two stores and the HTTP upload (claim check)."""

from adapters.documents.component import COMPONENT, OpenedStore
from adapters.documents.factory import open_document_store
from adapters.documents.local import LocalDocumentStore
from adapters.documents.port import (
    DocumentIntegrityError,
    DocumentNotFoundError,
    DocumentRejectedError,
    DocumentStore,
    DocumentStoreRefusedError,
    DocumentStoreUnavailableError,
    MunicipalityNotServedError,
)
from adapters.documents.s3 import S3DocumentStore
from adapters.documents.settings import DocumentStoreSettings, S3Settings
from adapters.documents.upload import build_document_upload

__all__ = [
    "COMPONENT",
    "DocumentIntegrityError",
    "DocumentNotFoundError",
    "DocumentRejectedError",
    "DocumentStore",
    "DocumentStoreRefusedError",
    "DocumentStoreSettings",
    "DocumentStoreUnavailableError",
    "LocalDocumentStore",
    "MunicipalityNotServedError",
    "OpenedStore",
    "S3DocumentStore",
    "S3Settings",
    "build_document_upload",
    "open_document_store",
]
