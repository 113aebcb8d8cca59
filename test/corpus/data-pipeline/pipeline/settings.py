import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("PIPELINE_DATA", "./data")).resolve()
ES_HOSTS = os.environ.get("ES_HOSTS", "http://localhost:9200").split(",")
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/3")
WAREHOUSE_DSN = os.environ.get("WAREHOUSE_DSN", "postgresql://etl@warehouse/analytics")
API_TOKEN = os.environ.get("SALES_API_TOKEN")
BATCH_SIZE = int(os.environ.get("BATCH_SIZE", "5000"))
