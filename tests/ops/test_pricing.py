"""The dated price snapshot and its refresh from the AWS Price List API (stubbed, no network)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from cdk_emr.ops.pricing import (
    APPROXIMATION_LABEL,
    DEFAULT_PRICE_DATA,
    UnknownInstanceTypeError,
    UnknownRegionError,
    load_prices,
    refresh,
)

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def book():
    return load_prices()


# --- look-ups ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "itype", "on_demand", "vcpu", "memory", "saving"),
    [
        # copied from shared/reference/prices.md, instance table
        ("us-east-1", "m5.xlarge", 0.192, 4, 16, 0.66),
        ("us-east-1", "m7g.xlarge", 0.1632, 4, 16, 0.62),
        ("us-east-1", "r6g.xlarge", 0.2016, 4, 32, 0.65),
        ("us-east-1", "c5.2xlarge", 0.340, 8, 16, 0.56),
        ("eu-west-1", "m5.xlarge", 0.214, 4, 16, 0.56),
        ("eu-west-1", "r7g.2xlarge", 0.4794, 8, 64, 0.56),
        ("eu-west-1", "c6g.xlarge", 0.1459, 4, 8, 0.53),
    ],
)
def test_looks_up_ec2_price_size_and_spot_saving(book, region, itype, on_demand, vcpu, memory, saving):
    assert book.on_demand(region, itype) == on_demand
    assert book.vcpu(region, itype) == vcpu
    assert book.memory_gib(region, itype) == memory
    assert book.spot_saving(region, itype) == saving


def test_sourced_emr_fee_is_used_as_is(book):
    price = book.instance("us-east-1", "m5.xlarge")
    assert price.emr_fee == 0.048
    assert price.emr_fee_source == "S6"
    assert not price.emr_fee_approximated


@pytest.mark.parametrize(
    ("region", "itype", "fee"),
    [
        ("us-east-1", "m5.2xlarge", 0.096),
        ("us-east-1", "r7g.xlarge", 0.05355),
        ("eu-west-1", "m5.xlarge", 0.0535),
    ],
)
def test_missing_emr_fee_is_a_labelled_quarter_of_ec2(book, region, itype, fee):
    price = book.instance(region, itype)
    assert price.emr_fee == pytest.approx(fee)
    assert price.emr_fee_source == APPROXIMATION_LABEL == "approximation: 25% of EC2 (S6 ratio)"
    assert price.emr_fee_approximated


def test_ebs_gp3_prices_per_region(book):
    us = book.ebs_gp3("us-east-1")
    assert us is not None
    assert (us.storage_gb_month, us.iops_month_above_free, us.free_iops, us.source) == (
        0.08,
        0.005,
        3000,
        "S7",
    )
    assert getattr(book.ebs_gp3("eu-west-1"), "storage_gb_month", None) == 0.088


def test_unknown_instance_type_names_type_region_and_known_types(book):
    with pytest.raises(UnknownInstanceTypeError, match=r"'x9\.mega' in region us-east-1.*known types.*m5\.xlarge"):
        book.instance("us-east-1", "x9.mega")


def test_unknown_region_names_the_known_regions(book):
    with pytest.raises(UnknownRegionError, match=r"'ap-south-1'.*known regions: eu-west-1, us-east-1"):
        book.on_demand("ap-south-1", "m5.xlarge")


# --- the snapshot itself -----------------------------------------------------------------------


def test_snapshot_is_dated_and_lists_its_sources():
    data = json.loads(DEFAULT_PRICE_DATA.read_text())
    assert DATE.match(data["snapshot_date"])
    assert [f"S{i}" for i in range(1, 13)] == list(data["sources"])
    assert all(s["what"] and s["location"] for s in data["sources"].values())


def test_every_figure_names_a_known_source_and_a_date():
    data = json.loads(DEFAULT_PRICE_DATA.read_text())
    sources = data["sources"]
    for region, entry in data["regions"].items():
        assert entry["ebs_gp3"]["source"] in sources and DATE.match(entry["ebs_gp3"]["date"])
        assert len(entry["instances"]) == 22, region
        for itype, e in entry["instances"].items():
            for what in ("ec2", "spec", "spot"):
                assert e[f"{what}_source"] in sources, (region, itype, what)
                assert DATE.match(e[f"{what}_date"]), (region, itype, what)
            if e["emr_fee"] is None:
                assert e["emr_fee_source"] == APPROXIMATION_LABEL
            else:
                assert e["emr_fee_source"] in sources and DATE.match(e["emr_fee_date"])


def test_only_m5_xlarge_in_us_east_1_has_a_sourced_emr_fee():
    data = json.loads(DEFAULT_PRICE_DATA.read_text())
    sourced = [
        (region, itype)
        for region, entry in data["regions"].items()
        for itype, e in entry["instances"].items()
        if e["emr_fee"] is not None
    ]
    assert sourced == [("us-east-1", "m5.xlarge")]


# --- refresh with a stubbed Price List API ------------------------------------------------------


def _item(price: float, unit: str = "Hrs", **attributes: str) -> str:
    """One Price List API product (aws_v1 format), trimmed to the fields refresh reads."""
    return json.dumps(
        {
            "product": {"sku": "SKU1", "attributes": attributes},
            "terms": {
                "OnDemand": {
                    "SKU1.JRTCKXETXF": {
                        "priceDimensions": {
                            "SKU1.JRTCKXETXF.6YS6EN2CT7": {
                                "unit": unit,
                                "pricePerUnit": {"USD": f"{price:.10f}"},
                            }
                        }
                    }
                }
            },
        }
    )


def _filters(**fields: str) -> list[dict[str, str]]:
    return [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in fields.items()]


EC2 = {
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
}
EMR = {"productFamily": "Elastic Map Reduce Instance", "softwareType": "EMR"}


def _expect(stub: Stubber, service: str, filters: dict[str, str], items: list[str], **page: Any) -> None:
    params: dict[str, Any] = {
        "ServiceCode": service,
        "Filters": _filters(**filters),
        "FormatVersion": "aws_v1",
    }
    if "token" in page:
        params["NextToken"] = page["token"]
    response: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": items}
    if "next_token" in page:
        response["NextToken"] = page["next_token"]
    stub.add_response("get_products", response, params)


@pytest.fixture
def pricing_client():
    client = boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


@pytest.fixture
def snapshot_copy(tmp_path):
    target = tmp_path / "price_data.json"
    shutil.copy(DEFAULT_PRICE_DATA, target)
    return target


def test_refresh_writes_price_list_figures_and_keeps_what_it_cannot_find(pricing_client, snapshot_copy):
    client, stub = pricing_client
    region = {"regionCode": "us-east-1"}
    # m5.xlarge: EC2 arrives on the second page (NextToken), EMR on the first
    _expect(stub, "AmazonEC2", {"instanceType": "m5.xlarge", **region, **EC2}, [], next_token="page2")
    _expect(
        stub,
        "AmazonEC2",
        {"instanceType": "m5.xlarge", **region, **EC2},
        [_item(0.2, vcpu="4", memory="16 GiB", instanceType="m5.xlarge")],
        token="page2",
    )
    _expect(stub, "ElasticMapReduce", {"instanceType": "m5.xlarge", **region, **EMR}, [_item(0.05)])
    # m7g.xlarge: no EC2 product returned -> kept; EMR fee found -> replaces the approximation
    _expect(stub, "AmazonEC2", {"instanceType": "m7g.xlarge", **region, **EC2}, [])
    _expect(stub, "ElasticMapReduce", {"instanceType": "m7g.xlarge", **region, **EMR}, [_item(0.0408)])
    _expect(
        stub,
        "AmazonEC2",
        {**region, "productFamily": "Storage", "volumeApiName": "gp3"},
        [_item(0.081, "GB-Mo")],
    )

    result = refresh(
        client,
        path=snapshot_copy,
        regions=["us-east-1"],
        instance_types=["m5.xlarge", "m7g.xlarge"],
        today=date(2026, 11, 24),
    )

    assert result.missing == [("us-east-1", "m7g.xlarge", "ec2")]
    assert ("us-east-1", "m7g.xlarge", "emr") in result.updated
    written = json.loads(snapshot_copy.read_text())
    assert written["snapshot_date"] == "2026-11-24"
    assert written["sources"]["PL"]["date"] == "2026-11-24"
    m5 = written["regions"]["us-east-1"]["instances"]["m5.xlarge"]
    assert (m5["ec2_on_demand"], m5["ec2_source"], m5["ec2_date"]) == (0.2, "PL", "2026-11-24")
    assert (m5["emr_fee"], m5["emr_fee_source"]) == (0.05, "PL")
    assert m5["spot_saving"] == 0.66  # not in the Price List API: kept
    m7g = written["regions"]["us-east-1"]["instances"]["m7g.xlarge"]
    assert (m7g["ec2_on_demand"], m7g["ec2_source"]) == (0.1632, "S1")
    assert written["regions"]["us-east-1"]["ebs_gp3"]["storage_gb_month"] == 0.081
    assert written["regions"]["eu-west-1"] == json.loads(DEFAULT_PRICE_DATA.read_text())["regions"]["eu-west-1"]

    book = load_prices(snapshot_copy)
    assert book.on_demand("us-east-1", "m5.xlarge") == 0.2
    assert book.instance("us-east-1", "m7g.xlarge").emr_fee_source == "PL"


def test_refresh_that_finds_nothing_leaves_the_snapshot_date(pricing_client, snapshot_copy):
    client, stub = pricing_client
    region = {"regionCode": "eu-west-1"}
    _expect(stub, "AmazonEC2", {"instanceType": "c5.xlarge", **region, **EC2}, [])
    _expect(stub, "ElasticMapReduce", {"instanceType": "c5.xlarge", **region, **EMR}, [])
    _expect(stub, "AmazonEC2", {**region, "productFamily": "Storage", "volumeApiName": "gp3"}, [])

    result = refresh(client, path=snapshot_copy, regions=["eu-west-1"], instance_types=["c5.xlarge"])

    assert result.updated == []
    assert len(result.missing) == 3
    assert json.loads(snapshot_copy.read_text()) == json.loads(DEFAULT_PRICE_DATA.read_text())
