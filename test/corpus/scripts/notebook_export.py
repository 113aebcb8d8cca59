#!/usr/bin/env python
# coding: utf-8
# Exported from "Latency investigation.ipynb" (IPython allows top-level await).

# In[1]:


import asyncio
import statistics
import time

import httpx


# In[2]:


async def timed_get(client, url):
    t0 = time.perf_counter()
    r = await client.get(url)
    return r.status_code, (time.perf_counter() - t0) * 1000


# In[3]:


client = httpx.AsyncClient(timeout=10)
results = await asyncio.gather(*[timed_get(client, "https://example.com/") for _ in range(20)])
latencies = [ms for _, ms in results]
statistics.quantiles(latencies, n=20)


# In[4]:


await client.aclose()
print(f"p50={statistics.median(latencies):.0f}ms max={max(latencies):.0f}ms")
