variable "catalog_name" {
  description = "Unity Catalog catalog holding FitLake's schemas; matches FITLAKE_CATALOG and the bundle's var.catalog."
  type        = string
  default     = "fitlake"
}

variable "catalog_storage_root" {
  description = "Cloud storage URL for the catalog's managed tables (an external location must already cover it)."
  type        = string
}
