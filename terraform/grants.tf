# Who may do what. databricks_grants is authoritative for its securable: privileges given by hand are
# removed on the next apply, so this file is the whole story.

resource "databricks_grants" "catalog" {
  catalog = databricks_catalog.fitlake.name
  grant {
    principal  = var.analysts_group
    privileges = ["USE_CATALOG"] # to reach gold; no schema below it is usable without USE_SCHEMA
  }
  grant {
    principal  = var.engineers_group
    privileges = ["ALL_PRIVILEGES"]
  }
}

resource "databricks_grants" "gold" {
  schema = databricks_schema.layer["gold"].id
  grant {
    principal  = var.analysts_group
    privileges = ["USE_SCHEMA", "SELECT"]
  }
}
