"""Shop: retail revenue by product, and the weekly supplement forecast with the error of its backtest."""

import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows

header("Shop", "product_revenue", "supplement_forecast")

st.subheader("Revenue by product")
products = rows("product_revenue")
if products is not None:
    products["revenue"] = products["revenue"].astype(float)
    totals = products.groupby(["category", "item"], as_index=False)[["quantity", "revenue"]].sum()
    st.bar_chart(totals, x="item", y="revenue", color="category", horizontal=True, sort="-revenue")
    st.area_chart(products.groupby(["month", "category"], as_index=False)["revenue"].sum(), x="month", y="revenue",
                  color="category", stack=True)  # fmt: skip

st.subheader("Supplement revenue forecast")
forecast = rows("supplement_forecast")
if forecast is not None:
    forecast["forecast_revenue"] = forecast["forecast_revenue"].astype(float)
    first = forecast.iloc[0]
    left, right = st.columns(2)
    if first.backtest_mape is None or first.backtest_mape != first.backtest_mape:  # NaN: no backtest was possible
        left.metric("Backtest error (MAPE)", "n/a")
        st.caption(f"Too little history for a backtest ({first.history_weeks} weeks).")
    else:
        left.metric("Backtest error (MAPE)", f"{first.backtest_mape:.1%}")
    right.metric("Method", first.method)
    st.caption(f"Forecast from the week of {first.origin_week_start:%d %b %Y}, {first.history_weeks} weeks of history, "
               f"backtested from {first.backtest_origins} origins.")  # fmt: skip
    st.line_chart(forecast, x="week_start", y="forecast_revenue")
