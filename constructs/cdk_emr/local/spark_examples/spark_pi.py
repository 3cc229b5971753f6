"""SparkPi for the local AWS: estimates π by throwing random points at the unit square.

``spark-example SparkPi [slices]`` on EMR runs the SparkPi example of Spark's examples JAR,
which pyspark does not ship; this PySpark program computes the same estimate the same way
(100,000 points per slice, default 2 slices) and prints it in the example's words.
"""

from __future__ import annotations

import random
import sys
from operator import add

POINTS_PER_SLICE = 100_000


def inside(_: int) -> int:
    """1 when a random point of the square [-1, 1]² falls inside the unit circle."""
    x, y = random.uniform(-1, 1), random.uniform(-1, 1)
    return 1 if x * x + y * y <= 1 else 0


def main(argv: list[str]) -> None:
    from pyspark.sql import SparkSession

    slices = int(argv[0]) if argv else 2
    spark = SparkSession.builder.appName("Spark Pi").getOrCreate()
    total = POINTS_PER_SLICE * slices
    count = spark.sparkContext.parallelize(range(total), slices).map(inside).reduce(add)
    print(f"Pi is roughly {4.0 * count / total}")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
