"""The dated price snapshot behind ``cdk-emr cost``, and its refresh from the AWS Price List API.

``price_data.json`` beside this module holds, per region and instance type, the EC2 On-Demand
price, the Amazon EMR per-instance fee, the Spot Instance Advisor saving, vCPU and memory, and
per region the EBS gp3 prices. Every figure names its source (keys ``S1``...``S12``, described
under ``sources`` in the file, or ``PL`` once refreshed) and the date that source states.
Nothing in the file is estimated. Where no EMR fee was found the file holds ``null``, and
:class:`PriceBook` applies 25% of the EC2 On-Demand price (the ratio of every sourced EMR fee,
source S6), labelled ``"approximation: 25% of EC2 (S6 ratio)"``.

:func:`refresh` replaces EC2, EMR and gp3 storage figures with ones from the Price List API
(``pricing`` client, us-east-1 endpoint, ``get_products``) and writes an updated snapshot.
The Spot Advisor savings are not in the Price List API and are kept as they are.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_PRICE_DATA = Path(__file__).with_name("price_data.json")
EMR_FEE_RATIO = 0.25
APPROXIMATION_LABEL = "approximation: 25% of EC2 (S6 ratio)"
PRICE_LIST_SOURCE = "PL"
PRICING_ENDPOINT_REGION = "us-east-1"

EC2_FILTERS: Mapping[str, str] = {
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
}
EMR_FILTERS: Mapping[str, str] = {
    "productFamily": "Elastic Map Reduce Instance",
    "softwareType": "EMR",
}
GP3_FILTERS: Mapping[str, str] = {"productFamily": "Storage", "volumeApiName": "gp3"}


class CostEstimateError(Exception):
    """Base of the errors the cost estimator reports to the user (never a traceback)."""


class UnknownRegionError(CostEstimateError, LookupError):
    """The price snapshot has no figures for a region."""


class UnknownInstanceTypeError(CostEstimateError, LookupError):
    """The price snapshot has no figures for an instance type in a region."""


@dataclass(frozen=True)
class InstancePrice:
    """Prices and size of one instance type in one region (USD per instance-hour)."""

    region: str
    instance_type: str
    vcpu: int
    memory_gib: float
    on_demand: float
    emr_fee: float
    emr_fee_source: str
    spot_saving: float | None
    ec2_source: str
    spot_source: str | None

    @property
    def emr_fee_approximated(self) -> bool:
        """True when the EMR fee is the 25%-of-EC2 approximation, not a sourced figure."""
        return self.emr_fee_source == APPROXIMATION_LABEL


@dataclass(frozen=True)
class EbsGp3Price:
    """EBS gp3 prices of one region."""

    storage_gb_month: float
    iops_month_above_free: float
    free_iops: int
    source: str


class PriceBook:
    """Read-only view of a price snapshot: look-ups by region and instance type."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.snapshot_date: str = data["snapshot_date"]
        self.sources: Mapping[str, Any] = data.get("sources", {})

    @property
    def regions(self) -> list[str]:
        """Regions with prices, sorted."""
        return sorted(self.data["regions"])

    def instance_types(self, region: str) -> list[str]:
        """Instance types with prices in ``region``, sorted."""
        return sorted(self._region(region)["instances"])

    def instance(self, region: str, instance_type: str) -> InstancePrice:
        """All figures for ``instance_type`` in ``region``; raises a clear error if unknown."""
        entries = self._region(region)["instances"]
        if instance_type not in entries:
            raise UnknownInstanceTypeError(
                f"no prices for instance type {instance_type!r} in region {region} "
                f"(price snapshot {self.snapshot_date}); known types there: "
                f"{', '.join(sorted(entries))}"
            )
        return _instance_price(region, instance_type, entries[instance_type])

    def on_demand(self, region: str, instance_type: str) -> float:
        """EC2 On-Demand USD per instance-hour."""
        return self.instance(region, instance_type).on_demand

    def emr_fee(self, region: str, instance_type: str) -> float:
        """Amazon EMR fee USD per instance-hour (sourced, or the labelled approximation)."""
        return self.instance(region, instance_type).emr_fee

    def spot_saving(self, region: str, instance_type: str) -> float | None:
        """Spot Instance Advisor typical saving vs On-Demand as a fraction, if known."""
        return self.instance(region, instance_type).spot_saving

    def vcpu(self, region: str, instance_type: str) -> int:
        """vCPUs of the type."""
        return self.instance(region, instance_type).vcpu

    def memory_gib(self, region: str, instance_type: str) -> float:
        """Memory of the type in GiB."""
        return self.instance(region, instance_type).memory_gib

    def ebs_gp3(self, region: str) -> EbsGp3Price | None:
        """EBS gp3 prices of ``region``; None if the snapshot has none for it."""
        e = self._region(region).get("ebs_gp3")
        if not e:
            return None
        return EbsGp3Price(
            storage_gb_month=float(e["storage_gb_month"]),
            iops_month_above_free=float(e["iops_month_above_free"]),
            free_iops=int(e["free_iops"]),
            source=e.get("storage_source", e["source"]),
        )

    def _region(self, region: str) -> Mapping[str, Any]:
        regions: Mapping[str, Mapping[str, Any]] = self.data["regions"]
        if region not in regions:
            raise UnknownRegionError(
                f"no prices for region {region!r} (price snapshot {self.snapshot_date}); "
                f"known regions: {', '.join(sorted(regions))}"
            )
        return regions[region]


def _instance_price(region: str, instance_type: str, e: Mapping[str, Any]) -> InstancePrice:
    on_demand = float(e["ec2_on_demand"])
    sourced_fee = e.get("emr_fee")
    fee = float(sourced_fee) if sourced_fee is not None else on_demand * EMR_FEE_RATIO
    saving = e.get("spot_saving")
    return InstancePrice(
        region=region,
        instance_type=instance_type,
        vcpu=int(e["vcpu"]),
        memory_gib=float(e["memory_gib"]),
        on_demand=on_demand,
        emr_fee=fee,
        emr_fee_source=e["emr_fee_source"] if sourced_fee is not None else APPROXIMATION_LABEL,
        spot_saving=float(saving) if saving is not None else None,
        ec2_source=e["ec2_source"],
        spot_source=e.get("spot_source"),
    )


def load_prices(path: str | os.PathLike[str] | None = None) -> PriceBook:
    """Load a price snapshot; the packaged ``price_data.json`` by default."""
    if path is None:
        return _packaged_prices()
    return PriceBook(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _packaged_prices() -> PriceBook:
    return PriceBook(json.loads(DEFAULT_PRICE_DATA.read_text(encoding="utf-8")))


# --- refresh from the AWS Price List API ------------------------------------------------------


@dataclass
class RefreshResult:
    """What :func:`refresh` changed: figures updated, and (region, type, what) not found."""

    path: Path
    snapshot: dict[str, Any]
    updated: list[tuple[str, str, str]] = field(default_factory=list)
    missing: list[tuple[str, str, str]] = field(default_factory=list)


def refresh(
    client: Any = None,
    *,
    path: str | os.PathLike[str] | None = None,
    regions: Iterable[str] | None = None,
    instance_types: Iterable[str] | None = None,
    today: date | None = None,
) -> RefreshResult:
    """Query the AWS Price List API and write an updated snapshot to ``path``.

    ``client`` is a boto3 ``pricing`` client (default: one for us-east-1, the API's endpoint).
    The snapshot at ``path`` is updated if it exists, else the packaged one is the base;
    ``path`` defaults to the packaged file. ``regions`` and ``instance_types`` default to those
    already in the base. A figure the API does not return is kept and listed in ``missing``.
    """
    target = Path(path) if path is not None else DEFAULT_PRICE_DATA
    base_file = target if target.exists() else DEFAULT_PRICE_DATA
    snapshot = json.loads(base_file.read_text(encoding="utf-8"))
    if client is None:
        import boto3  # deferred: only refresh talks to AWS

        client = boto3.client("pricing", region_name=PRICING_ENDPOINT_REGION)
    stamp = (today or date.today()).isoformat()
    result = RefreshResult(path=target, snapshot=snapshot)
    for region in list(regions) if regions is not None else sorted(snapshot["regions"]):
        _refresh_region(client, snapshot, region, instance_types, stamp, result)
    if result.updated:
        _stamp_snapshot(snapshot, stamp)
    _write_json(target, snapshot)
    return result


def _stamp_snapshot(snapshot: dict[str, Any], stamp: str) -> None:
    snapshot["snapshot_date"] = stamp
    snapshot.setdefault("sources", {})[PRICE_LIST_SOURCE] = {
        "what": "AWS Price List API, pricing:GetProducts (us-east-1 endpoint); EC2 filters "
        + ", ".join(f"{k}={v}" for k, v in EC2_FILTERS.items())
        + "; EMR filters "
        + ", ".join(f"{k}={v}" for k, v in EMR_FILTERS.items()),
        "location": "https://api.pricing.us-east-1.amazonaws.com",
        "date": stamp,
        "date_note": "retrieved by cdk_emr.ops.pricing.refresh",
    }


def _refresh_region(
    client: Any,
    snapshot: dict[str, Any],
    region: str,
    instance_types: Iterable[str] | None,
    stamp: str,
    result: RefreshResult,
) -> None:
    entry = snapshot["regions"].setdefault(region, {"ebs_gp3": None, "instances": {}})
    instances = entry["instances"]
    types = list(instance_types) if instance_types is not None else sorted(instances)
    for itype in types:
        _refresh_instance(client, region, itype, instances, stamp, result)
    _refresh_gp3(client, region, entry, stamp, result)


def _refresh_instance(
    client: Any,
    region: str,
    itype: str,
    instances: dict[str, Any],
    stamp: str,
    result: RefreshResult,
) -> None:
    e = instances.get(itype, {})
    ec2 = _first_priced(_products(client, "AmazonEC2", {"instanceType": itype, "regionCode": region, **EC2_FILTERS}))
    if ec2 is None:
        result.missing.append((region, itype, "ec2"))
    else:
        attrs = ec2[0]["product"].get("attributes", {})
        e.update(ec2_on_demand=ec2[1], ec2_source=PRICE_LIST_SOURCE, ec2_date=stamp)
        vcpu, memory = attrs.get("vcpu"), _gib(attrs.get("memory", ""))
        if vcpu and memory is not None:
            e.update(vcpu=int(vcpu), memory_gib=memory, spec_source=PRICE_LIST_SOURCE, spec_date=stamp)
        result.updated.append((region, itype, "ec2"))
    emr = _first_priced(_products(client, "ElasticMapReduce", {"instanceType": itype, "regionCode": region, **EMR_FILTERS}))
    if emr is None:
        result.missing.append((region, itype, "emr"))
    else:
        e.update(emr_fee=emr[1], emr_fee_source=PRICE_LIST_SOURCE, emr_fee_date=stamp)
        result.updated.append((region, itype, "emr"))
    if {"ec2_on_demand", "vcpu", "memory_gib"} <= e.keys():
        e.setdefault("emr_fee", None)
        e.setdefault("emr_fee_source", APPROXIMATION_LABEL)
        e.setdefault("spot_saving", None)
        instances[itype] = e


def _refresh_gp3(client: Any, region: str, entry: dict[str, Any], stamp: str, result: RefreshResult) -> None:
    gp3 = _first_priced(_products(client, "AmazonEC2", {"regionCode": region, **GP3_FILTERS}))
    if gp3 is None or entry.get("ebs_gp3") is None:
        # a new region has no IOPS figures to keep; leave it without EBS rather than half-filled
        result.missing.append((region, "gp3", "ebs"))
        return
    entry["ebs_gp3"].update(storage_gb_month=gp3[1], storage_source=PRICE_LIST_SOURCE, storage_date=stamp)
    result.updated.append((region, "gp3", "ebs"))


def _products(client: Any, service: str, filters: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """Yield the decoded price items of one ``get_products`` query, following NextToken."""
    kwargs: dict[str, Any] = {
        "ServiceCode": service,
        "Filters": [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in filters.items()],
        "FormatVersion": "aws_v1",
    }
    while True:
        page = client.get_products(**kwargs)
        for item in page.get("PriceList", []):
            yield json.loads(item) if isinstance(item, str) else item
        token = page.get("NextToken")
        if not token:
            return
        kwargs["NextToken"] = token


def _first_priced(items: Iterable[dict[str, Any]]) -> tuple[dict[str, Any], float] | None:
    """The first item with a positive On-Demand USD price, and that price."""
    for item in items:
        price = _on_demand_usd(item)
        if price:
            return item, price
    return None


def _on_demand_usd(item: Mapping[str, Any]) -> float | None:
    for term in item.get("terms", {}).get("OnDemand", {}).values():
        for dim in term.get("priceDimensions", {}).values():
            usd = dim.get("pricePerUnit", {}).get("USD")
            if usd is not None and float(usd) > 0:
                return float(usd)
    return None


def _gib(memory: str) -> float | None:
    m = re.match(r"\s*([\d.,]+)\s*GiB", memory)
    if not m:
        return None
    value = float(m.group(1).replace(",", ""))
    return int(value) if value.is_integer() else value


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".price_data.", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, path)
    if path == DEFAULT_PRICE_DATA:
        _packaged_prices.cache_clear()
