-- Questions analysts ask of FitLake's Gold tables, in Spark SQL (Databricks SQL and the embedded engine alike).
-- Run them all with `fitlake sql --file docs/analyst_queries.sql`, or paste one into a SQL editor.
-- "Now" is the last day of data, not today's date, so the answers do not drift while the data stands still.

-- name: top_instructors_this_week
-- Who are the top instructors this week at each location? (ties share a rank)
SELECT l.name AS location, b.rank, b.instructor_id, b.attendance, b.classes
FROM gold.instructor_leaderboard b
JOIN gold.dim_location l USING (location_id)
WHERE b.week_start = (SELECT max(week_start) FROM gold.instructor_leaderboard)
ORDER BY location, b.rank, b.instructor_id;

-- name: retention_by_cohort
-- Of the members who joined each month, what share is still with us after 1, 3 and 6 months?
SELECT join_month,
       max(cohort_size) AS joined,
       max(CASE WHEN months_since_join = 1 THEN retention_rate END) AS after_1_month,
       max(CASE WHEN months_since_join = 3 THEN retention_rate END) AS after_3_months,
       max(CASE WHEN months_since_join = 6 THEN retention_rate END) AS after_6_months
FROM gold.cohort_retention
GROUP BY join_month
ORDER BY join_month;

-- name: revenue_by_month
-- How much did we take each month, from memberships and from the shop?
SELECT month,
       sum(CASE WHEN stream = 'membership' THEN revenue ELSE 0 END) AS membership,
       sum(CASE WHEN stream = 'retail' THEN revenue ELSE 0 END) AS retail,
       sum(revenue) AS total
FROM gold.revenue_monthly
GROUP BY month
ORDER BY month;

-- name: members_at_risk
-- Which members are drifting away right now, and what would bring them back?
SELECT s.member_key, l.name AS location, s.plan, s.visits_30d, s.days_since_last_visit,
       s.favourite_class_type, s.favourite_instructor_id, s.can_email
FROM gold.campaign_segments s
JOIN gold.dim_location l USING (location_id)
WHERE s.segment = 'lapsing'
ORDER BY s.days_since_last_visit DESC NULLS FIRST, s.member_key
LIMIT 50;

-- name: mrr_and_churn_by_location
-- Monthly recurring revenue, joins and churn rate per location over the last six months.
SELECT month, location_id, active_members, new_members, churned_members,
       round(churned_members / nullif(active_members + churned_members, 0), 4) AS churn_rate, mrr
FROM gold.fact_membership_monthly
WHERE month > add_months((SELECT max(month) FROM gold.fact_membership_monthly), -6)
ORDER BY month, location_id;

-- name: class_fill_rates_last_month
-- Which class types fill up, and which run half empty? (last month of data)
SELECT location_id, class_type, sessions, places, attended, round(fill_rate, 3) AS fill_rate
FROM gold.class_popularity
WHERE month = (SELECT max(month) FROM gold.class_popularity)
ORDER BY fill_rate DESC, location_id, class_type;

-- name: no_show_and_late_cancel_rates
-- No-shows and late cancels per class type over the whole period.
SELECT class_type,
       sum(confirmed_bookings) AS bookings,
       round(sum(no_shows) / sum(confirmed_bookings), 4) AS no_show_rate,
       round(sum(late_cancels) / sum(confirmed_bookings), 4) AS late_cancel_rate
FROM gold.class_popularity
GROUP BY class_type
HAVING sum(confirmed_bookings) > 0
ORDER BY no_show_rate DESC;

-- name: cancellation_reasons_by_quarter
-- Why do members leave, and is it changing?
SELECT date_trunc('quarter', month) AS quarter, reason, sum(cancellations) AS cancellations
FROM gold.cancellation_reasons_monthly
GROUP BY 1, 2
ORDER BY quarter, cancellations DESC, reason;

-- name: best_selling_products
-- The shop's ten best sellers by revenue over the last three months of data, net of refunds.
SELECT p.name, p.category, sum(f.quantity) AS units, sum(f.line_total) AS revenue
FROM gold.fact_retail_sales f
JOIN gold.dim_product p USING (sku)
WHERE f.sold_local_date > add_months((SELECT max(sold_local_date) FROM gold.fact_retail_sales), -3)
GROUP BY p.name, p.category
ORDER BY revenue DESC, p.name
LIMIT 10;

-- name: monthly_active_members
-- How many members came in at least once each month, across all sites?
SELECT period_start AS month, active_members, checkins
FROM gold.active_members
WHERE grain = 'month' AND location_id = 'ALL'
ORDER BY month;

-- name: busiest_class_times
-- When do members come to classes? Attendance by weekday and hour.
SELECT d.day_name, a.class_hour, count(*) AS attendance
FROM gold.fact_class_attendance a
JOIN gold.dim_date d ON d.calendar_date = a.class_date
GROUP BY d.day_of_week, d.day_name, a.class_hour
ORDER BY d.day_of_week, a.class_hour;

-- name: lifetime_value_by_plan
-- What is a member worth, by plan? (current members; historical and expected)
SELECT m.plan, count(*) AS members,
       round(avg(v.historical_value), 2) AS avg_historical_value,
       round(avg(v.expected_lifetime_value), 2) AS avg_expected_lifetime_value
FROM gold.member_lifetime_value v
JOIN gold.dim_member m USING (member_key)
WHERE v.is_member
GROUP BY m.plan
ORDER BY avg_expected_lifetime_value DESC NULLS LAST;

-- name: best_and_worst_rated_classes_last_month
-- Which classes did members rate best and worst last month? A class is a class type with its instructor at a
-- site. Ranked by stars shrunk towards the month's mean as if 5 more answers at that mean had come in, so one
-- 5-star answer does not top the list; NPS counts 5 stars as a promoter, 4 passive, 1-3 a detractor.
WITH last_month AS (
  SELECT * FROM gold.class_feedback_monthly
  WHERE month = (SELECT max(month) FROM gold.class_feedback_monthly)
), scored AS (
  SELECT l.*, (l.average_rating * l.responses + 5 * m.mean_rating) / (l.responses + 5) AS score
  FROM last_month l
  CROSS JOIN (SELECT sum(average_rating * responses) / sum(responses) AS mean_rating FROM last_month) m
), ranked AS (
  SELECT *,
         row_number() OVER (ORDER BY score DESC, location_id, class_type, instructor_id) AS best,
         row_number() OVER (ORDER BY score ASC, location_id, class_type, instructor_id) AS worst
  FROM scored
)
SELECT CASE WHEN best <= worst THEN 'best' ELSE 'worst' END AS rated, location_name AS location, class_type,
       instructor_id, responses, round(average_rating, 2) AS average_rating, round(nps, 1) AS nps,
       round(score, 2) AS score
FROM ranked
WHERE best <= 5 OR worst <= 5
ORDER BY rated, CASE WHEN best <= worst THEN best ELSE worst END;
