"""fitlake.readonly_sql: one read-only query passes; every write, DDL, session statement and file read is refused,
wherever in the query it hides. Pure: no engine."""

from pathlib import Path

import pytest

from fitlake.readonly_sql import why_refused
from fitlake.sqlfile import named_queries

ANALYST_QUERIES = Path(__file__).parents[2] / "docs" / "analyst_queries.sql"

READ_ONLY = [
    "select * from gold.active_members where grain = 'month'",
    "SELECT count(*) FROM fitlake.gold.dim_member",
    "SeLeCt * FrOm `gold`.`dim_location`",
    "with m as (select * from gold.dim_member) select count(*) from m",
    "select * from (select member_key from gold.dim_member) t",
    "select 1 union all select 2 except select 3",
    "select * from gold.dim_member where member_key in (select member_key from gold.fact_bookings)",
    "from gold.dim_member select *",
    "select * from gold.dim_member version as of 3",
    "select * from range(10)",
    "select * from gold.dim_member lateral view explode(array(1, 2)) t as x",
    "values (1, 'a'), (2, 'b')",
    "select 'DROP TABLE x; DELETE FROM y' as text_that_looks_like_sql",
    "select 1 -- ; drop table gold.dim_member",
    "select 1;",
    "explain select * from gold.fact_class_attendance where class_date = date'2025-01-01'",
    "EXPLAIN FORMATTED select 1",
    "show tables in gold",
    "SHOW SCHEMAS",
    "show columns in gold.dim_member",
    "describe gold.dim_member",
    "DESC EXTENDED silver.checkins",
]

# (query, what the refusal must say)
REFUSED = [
    ("DELETE FROM bronze.checkins_raw WHERE true", "DELETE writes to a table"),
    ("delete from bronze.checkins_raw", "DELETE writes to a table"),
    ("UPDATE silver.members SET plan = 'free'", "UPDATE writes to a table"),
    ("MERGE INTO silver.members t USING gold.dim_member s ON t.member_key = s.member_key WHEN MATCHED THEN DELETE",
     "MERGE writes to a table"),
    ("INSERT INTO gold.dim_member SELECT * FROM gold.dim_member", "INSERT writes to a table"),
    ("insert overwrite table gold.dim_member select * from gold.dim_member", "INSERT writes to a table"),
    ("INSERT OVERWRITE DIRECTORY '/tmp/out' SELECT * FROM silver.member_pii", "INSERT writes to a table"),
    ("WITH x AS (SELECT 1 AS a) INSERT INTO gold.t SELECT * FROM x", "INSERT writes to a table"),
    ("CREATE TABLE gold.pii_copy AS SELECT * FROM silver.member_pii", "CREATE TABLE changes the catalog"),
    ("create view gold.v as select 1", "CREATE VIEW changes the catalog"),
    ("CREATE TEMPORARY VIEW v AS SELECT * FROM text.`/etc/passwd`", "CREATE VIEW changes the catalog"),
    ("DROP TABLE gold.dim_member", "DROP TABLE changes the catalog"),
    ("drop schema gold cascade", "DROP SCHEMA changes the catalog"),
    ("ALTER TABLE gold.dim_member ADD COLUMNS (x int)", "ALTER TABLE changes the catalog"),
    ("TRUNCATE TABLE bronze.checkins_raw", "TRUNCATE TABLE deletes a table's rows"),
    ("CACHE TABLE gold.dim_member", "CACHE changes the session"),
    ("cache lazy table c as select * from silver.member_pii", "CACHE changes the session"),
    ("SET spark.sql.ansi.enabled = false", "SET changes the session"),
    ("set", "SET changes the session"),
    ("USE silver", "USE changes the session"),
    ("REFRESH TABLE gold.dim_member", "REFRESH TABLE changes the session"),
    ("ADD JAR /tmp/evil.jar", "ADD JAR is not a query"),
    ("OPTIMIZE gold.fact_class_attendance", "OPTIMIZE is not a query"),
    ("VACUUM gold.fact_class_attendance RETAIN 0 HOURS", "VACUUM is not a query"),
    ("EXECUTE IMMEDIATE 'DROP TABLE gold.dim_member'", "EXECUTE IMMEDIATE is not a query"),
    ("LOAD DATA LOCAL INPATH '/tmp/x' INTO TABLE bronze.checkins_raw", "LOAD DATA writes to a table"),
    ("COPY INTO bronze.checkins_raw FROM '/tmp/x' FILEFORMAT = CSV", "COPY INTO writes to a table"),
    ("GRANT SELECT ON silver.member_pii TO `everyone`", "GRANT changes permissions"),
    # more than one statement, however the second one hides
    ("select 1; drop table gold.dim_member", "2 statements"),
    ("select 1 /* ; */ ; DROP TABLE gold.dim_member", "2 statements"),
    ("select 1;\n-- the next one\ndelete from bronze.checkins_raw;", "2 statements"),
    # files read by path, at the top or nested
    ("select * from text.`/etc/passwd`", "text.`/etc/passwd` reads files directly"),
    ("SELECT * FROM TEXT.`/home/x/lakehouse/_secrets/pii_key`", "reads files directly"),
    ("select * from `text`.`/etc/passwd`", "reads files directly"),
    ("select * from parquet.`/tmp/lakehouse/fitlake/silver/member_pii`", "parquet.`/tmp/lakehouse"),
    ("select * from delta.`/tmp/lakehouse/fitlake/silver/member_pii`", "reads files directly"),
    ("select * from csv.`landing/members`", "reads files directly"),
    ("select * from json.`/tmp/x.json`", "reads files directly"),
    ("select * from binaryFile.`/etc/shadow`", "reads files directly"),
    ("select * from delta.member_pii", "reads files directly"),
    ("select * from read_files('/etc/passwd', format => 'text')", "table function read_files(...) is not allowed"),
    ("select * from identifier('text.`/etc/passwd`')", "table function identifier(...) is not allowed"),
    ("select * from gold.dim_member m, lateral read_files('/etc/passwd')", "table function read_files(...)"),
    ("select * from gold.dim_member m join lateral read_csv('/etc/passwd') on true", "table function read_csv(...)"),
    ("select * from gold.dim_member m lateral view my_udtf('/etc/passwd') t as y", "table function my_udtf(...)"),
    ("select * from `/etc/passwd`", "names a path"),
    ("with t as (select * from text.`/etc/passwd`) select * from t", "reads files directly"),
    ("select * from gold.dim_member union all select * from text.`/etc/passwd`", "reads files directly"),
    ("select (select count(*) from text.`/etc/passwd`) as n", "reads files directly"),
    ("select * from gold.dim_member where member_key in (select value from text.`/etc/passwd`)",
     "reads files directly"),
    ("select * from gold.dim_member m join csv.`/tmp/x.csv` c on true", "reads files directly"),
    ("select * from (select * from (select * from json.`/tmp/x`))", "reads files directly"),
    ("EXPLAIN SELECT * FROM text.`/etc/passwd`", "EXPLAIN of a statement that is refused"),
    ("explain extended delete from bronze.checkins_raw", "DELETE writes to a table"),
    ("describe delta.`/tmp/lakehouse/fitlake/silver/member_pii`", "reads files directly"),
    ("show columns in delta.`/tmp/x`", "reads files directly"),
    ("SHOW GRANTS", "SHOW GRANTS is not a SHOW"),
    ("show", "SHOW without what to show is not a SHOW"),
    # code outside SQL
    ("select reflect('java.lang.Runtime', 'getRuntime')", "reflect() runs code outside SQL"),
    ("select transform(member_key) using 'cat /etc/passwd' from gold.dim_member", "TRANSFORM ... USING"),
    ("select * from gold.dim_member where plan = ${plan}", "variable substitution"),
    # fail closed: what does not parse is not run
    ("selec 1", "does not parse as Spark SQL"),
    ("select 1 /* /* */ ; drop table gold.dim_member; /* */", "does not parse as Spark SQL"),
    ("", "there is no query"),
    ("-- only a comment", "there is no query"),
]  # fmt: skip


@pytest.mark.parametrize("query", READ_ONLY)
def test_a_read_only_query_is_accepted(query):
    assert why_refused(query) is None


@pytest.mark.reliability(
    input="`fitlake sql` with each write, DDL, session statement and file read by path: DELETE, UPDATE, MERGE, "
    "INSERT (also after WITH), CTAS of silver.member_pii into gold, DROP, ALTER, TRUNCATE, CACHE, SET, USE, ADD JAR, "
    "OPTIMIZE, VACUUM, EXECUTE IMMEDIATE, LOAD DATA, COPY INTO, two statements (one behind a comment), "
    "text.`/etc/passwd`, parquet./delta./csv./json./binaryFile. paths, read_files(), identifier(), each nested in a "
    "CTE, subquery, UNION, join, LATERAL or EXPLAIN; reflect(), TRANSFORM USING; SQL that does not parse",
    expected="refused, one line naming the statement and why",
    observed="every form refused with its reason (e.g. 'DELETE writes to a table', 'text.`/etc/passwd` reads files "
    "directly, bypassing the catalog'); the analysts' queries and SELECT/WITH/EXPLAIN/SHOW/DESCRIBE/VALUES pass",
)
@pytest.mark.parametrize(("query", "reason"), REFUSED)
def test_a_write_ddl_or_file_read_is_refused_with_its_reason(query, reason):
    refused = why_refused(query)
    assert refused is not None and reason in refused
    assert "\n" not in refused


def test_every_analyst_query_is_read_only():
    queries = named_queries(ANALYST_QUERIES.read_text())
    assert queries
    assert {q.name: why_refused(q.sql) for q in queries} == {q.name: None for q in queries}


def test_a_parse_error_says_where():
    assert why_refused("select * fro gold.dim_member") == (
        "it does not parse as Spark SQL, so it cannot be checked: "
        "Invalid expression / Unexpected token at line 1, column 17, near 'select * fro gold'"
    )
