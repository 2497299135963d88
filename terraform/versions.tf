terraform {
  required_version = ">= 1.6"
  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = "~> 1.60"
    }
  }
}

# Credentials come from the environment (DATABRICKS_HOST plus a token or OAuth client), never from files here.
provider "databricks" {}
