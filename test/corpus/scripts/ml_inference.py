import asyncio
import logging
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel

log = logging.getLogger(__name__)
app = FastAPI()
executor = ProcessPoolExecutor(max_workers=2)


class Features(BaseModel):
    values: list[float]


@lru_cache(maxsize=1)
def model():
    import joblib

    return joblib.load("model.joblib")


def predict_sync(values: list[float]) -> float:
    x = np.asarray(values, dtype=np.float32).reshape(1, -1)
    return float(model().predict_proba(x)[0, 1])


@app.on_event("startup")
async def warm_up():
    await asyncio.get_running_loop().run_in_executor(executor, predict_sync, [0.0] * 12)


@app.post("/predict")
async def predict(features: Features):
    loop = asyncio.get_running_loop()
    score = await loop.run_in_executor(executor, predict_sync, features.values)
    return {"score": score, "label": score >= 0.5}


@app.post("/predict/batch")
def predict_batch(batch: list[Features]):
    x = np.asarray([f.values for f in batch], dtype=np.float32)
    scores = model().predict_proba(x)[:, 1]
    return {"scores": scores.round(4).tolist()}
