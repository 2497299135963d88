# Where the catalog's managed tables live. Both resources are optional: a workspace whose admins already
# registered the credential and location passes only their names (the defaults of the two variables).

resource "databricks_storage_credential" "fitlake" {
  count   = var.storage_credential_role_arn == null ? 0 : 1
  name    = var.storage_credential_name
  comment = "Unity Catalog's access to FitLake's bucket"
  aws_iam_role {
    role_arn = var.storage_credential_role_arn
  }
}

resource "databricks_external_location" "fitlake" {
  count           = var.external_location_url == null ? 0 : 1
  name            = "fitlake"
  url             = var.external_location_url
  credential_name = var.storage_credential_role_arn == null ? var.storage_credential_name : databricks_storage_credential.fitlake[0].name
  comment         = "Covers the FitLake catalog's storage root"
}
