"""Programs that stand in for the examples of EMR's Spark (pyspark ships no examples JAR)."""
