"""GCP resource models, one module per service, named after Google's own nouns."""

from __future__ import annotations

from auditor.core.model.base import Resource
from auditor.core.model.gcp.accesscontext import ACCESSCONTEXT_TYPES
from auditor.core.model.gcp.alloydb import AlloyDbCluster, AlloyDbInstance
from auditor.core.model.gcp.bigquery import Dataset
from auditor.core.model.gcp.compute import COMPUTE_TYPES
from auditor.core.model.gcp.directory import DIRECTORY_TYPES
from auditor.core.model.gcp.iam import ServiceAccountKey
from auditor.core.model.gcp.iap import IAP_TYPES
from auditor.core.model.gcp.kms import CryptoKey
from auditor.core.model.gcp.logging import LOGGING_TYPES
from auditor.core.model.gcp.orgpolicy import OrgPolicy
from auditor.core.model.gcp.redis import RedisInstance
from auditor.core.model.gcp.resourcemanager import Folder, Organization, Project
from auditor.core.model.gcp.serviceusage import Service
from auditor.core.model.gcp.sql import SqlInstance
from auditor.core.model.gcp.storage import Bucket
from auditor.core.model.gcp.vertex import VERTEX_TYPES

#: Models built from Cloud Asset Inventory (collected by auditor.collect.gcp).
GCP_CAI_TYPES: tuple[type[Resource], ...] = (
    Organization,
    Folder,
    Project,
    OrgPolicy,
    SqlInstance,
    Bucket,
    Dataset,
    *COMPUTE_TYPES,
    CryptoKey,
    AlloyDbCluster,
    AlloyDbInstance,
    RedisInstance,
    ServiceAccountKey,
    Service,
)

#: Models from sources outside Cloud Asset Inventory (auditor.collect.gcp.sources).
GCP_EXTRA_TYPES: tuple[type[Resource], ...] = (
    DIRECTORY_TYPES + ACCESSCONTEXT_TYPES + IAP_TYPES + VERTEX_TYPES + LOGGING_TYPES
)

GCP_RESOURCE_TYPES: tuple[type[Resource], ...] = GCP_CAI_TYPES + GCP_EXTRA_TYPES

__all__ = ["GCP_CAI_TYPES", "GCP_EXTRA_TYPES", "GCP_RESOURCE_TYPES"]
