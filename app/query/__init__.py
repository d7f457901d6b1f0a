"""The query model: what a caller asks of the measures (filters, paging, output CRS,
visibility), free of HTTP, OGC parameter parsing and SQL execution. `app/ogc` builds
it, `app/sql` runs it; this package imports neither."""
