# %% [markdown]
# # Order exploration
# Jupytext percent-format notebook.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from pipeline.sinks.warehouse import query

sns.set_theme()

# %%
orders = query("SELECT * FROM fact_orders WHERE created_at > now() - interval '90 days'")
orders.head()

# %%
orders.keys()

# %%
big = orders.query("amount_eur > amount_eur.quantile(0.99)")
print(len(big), "outliers")
big.describe()

# %%
daily = orders.set_index("created_at").resample("D")["amount_eur"].agg(["sum", "count"])
fig, ax = plt.subplots(figsize=(12, 4))
daily["sum"].plot(ax=ax)
ax.set_title("Revenue per day")

# %%
log_amounts = np.log1p(orders["amount_eur"].clip(lower=0))
sns.histplot(log_amounts, bins=60)

# %%
pivot = orders.pivot_table(index=orders["created_at"].dt.dayofweek, values="amount_eur", aggfunc=[np.mean, np.median])
pivot
