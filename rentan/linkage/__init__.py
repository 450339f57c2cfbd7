"""Linking participants across regions: is one person paid for by two kabupaten/kota, or by a
region and another payer at the same time?

Each region writes its participants to a Parquet file in one agreed format
(`participants_file`: the columns, the keyed hash of the NIK, the writer and the checks of a
file received); `linking` links any number of such files with Splink, the same model on
DuckDB (a province, in process) or on Spark (the country); `engines` holds the little that
differs between the two. Plain Python: no ORM, settings or HTTP. The format is described for
people in docs/linkage.md.
"""
