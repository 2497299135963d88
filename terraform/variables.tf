variable "catalog_name" {
  description = "Unity Catalog catalog holding FitLake's schemas; matches FITLAKE_CATALOG and the bundle's var.catalog."
  type        = string
  default     = "fitlake"
}

variable "schema_prefix" {
  description = "Put before every schema name; matches FITLAKE_SCHEMA_PREFIX and the bundle's var.schema_prefix."
  type        = string
  default     = ""
}

variable "catalog_storage_root" {
  description = "Cloud storage URL for the catalog's managed tables, e.g. s3://fitlake-prod/catalog; an external location must cover it."
  type        = string
}

variable "storage_credential_name" {
  description = "Storage credential the external location uses: created here when storage_credential_role_arn is set, else it must exist."
  type        = string
  default     = "fitlake"
}

variable "storage_credential_role_arn" {
  description = "IAM role Unity Catalog assumes to reach the catalog's bucket; null to use an existing credential."
  type        = string
  default     = null
}

variable "external_location_url" {
  description = "Bucket prefix covering catalog_storage_root, registered as an external location; null if one already exists."
  type        = string
  default     = null
}

variable "analysts_group" {
  description = "Account group that reads Gold (SELECT on gold only) and uses the SQL warehouse."
  type        = string
  default     = "fitlake-analysts"
}

variable "engineers_group" {
  description = "Account group that builds the lakehouse: all privileges on the catalog; includes the jobs' run-as principal."
  type        = string
  default     = "fitlake-engineers"
}

variable "warehouse_auto_stop_minutes" {
  description = "Minutes of idleness after which the analysts' SQL warehouse stops."
  type        = number
  default     = 10
}
