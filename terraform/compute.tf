# Compute: a serverless SQL warehouse for analysts, and the policy every FitLake job cluster follows.

resource "databricks_sql_endpoint" "analysts" {
  name                      = "fitlake-analysts"
  cluster_size              = "2X-Small"
  max_num_clusters          = 1
  auto_stop_mins            = var.warehouse_auto_stop_minutes
  enable_serverless_compute = true
  warehouse_type            = "PRO" # serverless warehouses are PRO
}

resource "databricks_permissions" "warehouse" {
  sql_endpoint_id = databricks_sql_endpoint.analysts.id
  access_control {
    group_name       = var.analysts_group
    permission_level = "CAN_USE"
  }
  access_control {
    group_name       = var.engineers_group
    permission_level = "CAN_MANAGE"
  }
}

# Clusters FitLake engineers create follow this policy; the job cluster in workflows/fitlake_daily.job.yml
# is kept inside it (tests/terraform/test_layout.py). autotermination applies to all-purpose clusters.
resource "databricks_cluster_policy" "jobs" {
  name       = "fitlake"
  definition = file("${path.module}/cluster_policy.json")
}

resource "databricks_permissions" "jobs_policy" {
  cluster_policy_id = databricks_cluster_policy.jobs.id
  access_control {
    group_name       = var.engineers_group
    permission_level = "CAN_USE"
  }
}

# Secrets the jobs read with dbutils.secrets (source-system credentials, alert webhooks); values are put
# with `databricks secrets put-secret fitlake <key>`, never through Terraform state.
resource "databricks_secret_scope" "fitlake" {
  name = "fitlake"
}

resource "databricks_secret_acl" "engineers" {
  scope      = databricks_secret_scope.fitlake.name
  principal  = var.engineers_group
  permission = "READ"
}
