"""EMR configuration classifications (``spark-defaults``, ``hive-site``, ...)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import aws_emr as emr

from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

GLUE_CATALOG_FACTORY = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory"


@typed
@dataclass(frozen=True)
class Configuration:
    """One configuration classification with its properties and nested configurations.

    ``Configuration("spark-defaults", {"spark.dynamicAllocation.enabled": "true"})``, or a
    factory such as :meth:`glue_data_catalog`.
    """

    classification: str
    properties: Mapping[str, str] = field(default_factory=dict)
    configurations: Sequence[Configuration] = ()

    def __post_init__(self) -> None:
        # Types (property values are strings: write 'true', '4') are checked at the boundary.
        v = Validator("Configuration")
        v.check(
            bool(self.classification.strip()),
            "classification",
            self.classification,
            "a classification name such as 'spark-defaults'",
        )
        v.raise_if_any()

    @staticmethod
    def spark_defaults(properties: Mapping[str, str]) -> Configuration:
        """``spark-defaults`` properties."""
        return Configuration("spark-defaults", properties)

    @staticmethod
    def glue_data_catalog(
        *, hive: bool = True, spark: bool = True, trino: bool = False, presto: bool = False
    ) -> list[Configuration]:
        """Use the AWS Glue Data Catalog as the metastore of Hive, Spark, Trino and/or Presto.

        The instance role also needs Glue permissions: use ``EmrCluster.grant_glue_catalog``.
        """
        factory = {"hive.metastore.client.factory.class": GLUE_CATALOG_FACTORY}
        configs: list[Configuration] = []
        if hive:
            configs.append(Configuration("hive-site", factory))
        if spark:
            configs.append(Configuration("spark-hive-site", factory))
        if trino:
            configs.append(Configuration("trino-connector-hive", {"hive.metastore": "glue"}))
        if presto:
            configs.append(Configuration("presto-connector-hive", {"hive.metastore": "glue"}))
        return configs

    @property
    def uses_glue_catalog(self) -> bool:
        """True when this configuration points a metastore at the Glue Data Catalog."""
        return self.properties.get("hive.metastore.client.factory.class") == GLUE_CATALOG_FACTORY or (
            self.properties.get("hive.metastore") == "glue"
        )

    def _render(self) -> emr.CfnCluster.ConfigurationProperty:
        return emr.CfnCluster.ConfigurationProperty(
            classification=self.classification,
            configuration_properties=dict(self.properties) or None,
            configurations=[c._render() for c in self.configurations] or None,
        )
