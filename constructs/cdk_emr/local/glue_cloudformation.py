"""Glue resources for moto's CloudFormation (moto 5.2.5 has a Glue API but no CloudFormation
models for it).

``EmrDataLake`` creates an ``AWS::Glue::Database`` and, with a crawler, an
``AWS::Glue::SecurityConfiguration`` and an ``AWS::Glue::Crawler``. Without models moto drops
them; with these they become real moto Glue objects (``GetDatabase``, ``GetCrawler``,
``GetSecurityConfiguration``). ``Ref`` of each is its name; none has ``Fn::GetAtt`` attributes.
Crawlers are created, not run; updates and deletions are not modelled (stacks are created fresh).
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel


def _backend(account_id: str, region_name: str) -> Any:
    from moto.glue.models import glue_backends

    return glue_backends[account_id][region_name]


class _NamedGlueResource(CloudFormationModel):
    """A Glue object whose ``Ref`` is its name."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        """These Glue resources have no ``Fn::GetAtt`` attributes."""
        return False


class CloudFormationGlueDatabase(_NamedGlueResource):
    """``AWS::Glue::Database``: a database of the account's Data Catalog."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Glue::Database"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> CloudFormationGlueDatabase:
        database_input = dict(cloudformation_json.get("Properties", {}).get("DatabaseInput", {}))
        name = database_input.setdefault("Name", resource_name.lower())
        _backend(account_id, region_name).create_database(name, database_input)
        return cls(name)


class CloudFormationGlueSecurityConfiguration(_NamedGlueResource):
    """``AWS::Glue::SecurityConfiguration``: encryption settings of crawlers and jobs."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Glue::SecurityConfiguration"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> CloudFormationGlueSecurityConfiguration:
        properties = cloudformation_json.get("Properties", {})
        name = properties.get("Name") or resource_name
        _backend(account_id, region_name).create_security_configuration(name, properties.get("EncryptionConfiguration", {}))
        return cls(name)


class CloudFormationGlueCrawler(_NamedGlueResource):
    """``AWS::Glue::Crawler``: created with its targets, role and security configuration (never run)."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Glue::Crawler"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> CloudFormationGlueCrawler:
        p = cloudformation_json.get("Properties", {})
        name = p.get("Name") or resource_name
        _backend(account_id, region_name).create_crawler(
            name=name,
            role=p["Role"],
            database_name=p.get("DatabaseName"),
            description=p.get("Description"),
            targets=p.get("Targets", {}),
            schedule=(p.get("Schedule") or {}).get("ScheduleExpression"),
            classifiers=p.get("Classifiers", []),
            table_prefix=p.get("TablePrefix"),
            schema_change_policy=p.get("SchemaChangePolicy"),
            recrawl_policy=p.get("RecrawlPolicy"),
            lineage_configuration=p.get("LineageConfiguration"),
            configuration=p.get("Configuration"),
            crawler_security_configuration=p.get("CrawlerSecurityConfiguration"),
            tags=p.get("Tags") or {},
        )
        return cls(name)


GLUE_MODELS = (CloudFormationGlueDatabase, CloudFormationGlueSecurityConfiguration, CloudFormationGlueCrawler)
"""The models :func:`cdk_emr.local.install` registers."""
