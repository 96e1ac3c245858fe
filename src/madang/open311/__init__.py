"""Open311 GeoReport v2: service requests from civic apps become desk cases."""
