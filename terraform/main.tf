# The Unity Catalog layout the pipeline writes to: <catalog>.<prefix><bronze|silver|gold|ops>.<table>, plus
# the volume that receives the source systems' exports (landing/) and is passed to jobs as --home.

resource "databricks_catalog" "fitlake" {
  name         = var.catalog_name
  comment      = "FitLake lakehouse: gym, studio and connected-equipment data"
  storage_root = var.catalog_storage_root
  # The storage root must be inside a registered external location before the catalog can use it.
  depends_on = [databricks_external_location.fitlake]
}

locals {
  schemas = {
    bronze = "Raw source exports, one row per landing line, with lineage"
    silver = "Typed, conformed, deduplicated tables and their quarantines"
    gold   = "Business tables for analysts"
    ops    = "Run log, ingestion ledger and the landing volume"
  }
}

resource "databricks_schema" "layer" {
  for_each     = local.schemas
  catalog_name = databricks_catalog.fitlake.name
  name         = "${var.schema_prefix}${each.key}"
  comment      = each.value
}

resource "databricks_volume" "lakehouse" {
  catalog_name = databricks_catalog.fitlake.name
  schema_name  = databricks_schema.layer["ops"].name
  name         = "lakehouse"
  volume_type  = "MANAGED"
  comment      = "Landing files from the source systems: landing/<source>/<yyyy-mm-dd>/part-*"
}
