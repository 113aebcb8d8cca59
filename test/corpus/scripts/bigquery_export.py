"""Export yesterday's events from BigQuery to GCS as Parquet."""
import datetime as dt
import os

from google.cloud import bigquery, storage

PROJECT = os.environ.get("GCP_PROJECT", "acme-analytics")
client = bigquery.Client(project=PROJECT)


def daily_counts(day: dt.date) -> list[tuple[str, int]]:
    sql = """
        SELECT event_name, COUNT(*) AS n
        FROM `acme-analytics.events.raw`
        WHERE DATE(event_ts) = @day
        GROUP BY event_name ORDER BY n DESC
    """
    job_config = bigquery.QueryJobConfig(query_parameters=[bigquery.ScalarQueryParameter("day", "DATE", day)])
    query = client.query(sql, job_config=job_config)
    return [(row.event_name, row.n) for row in query.result()]


def export(day: dt.date, bucket: str) -> str:
    table = f"{PROJECT}.events.daily_{day:%Y%m%d}"
    job = client.query(
        f"CREATE OR REPLACE TABLE `{table}` AS SELECT * FROM `{PROJECT}.events.raw` WHERE DATE(event_ts) = '{day}'"
    )
    job.result()
    uri = f"gs://{bucket}/events/{day:%Y/%m/%d}/*.parquet"
    extract = client.extract_table(table, uri, job_config=bigquery.ExtractJobConfig(destination_format="PARQUET"))
    extract.result()
    return uri


def cleanup(bucket: str, keep_days: int = 90) -> int:
    gcs = storage.Client(project=PROJECT)
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=keep_days)
    deleted = 0
    for blob in gcs.list_blobs(bucket, prefix="events/"):
        if blob.time_created < cutoff:
            blob.delete()
            deleted += 1
    return deleted


if __name__ == "__main__":
    yesterday = dt.date.today() - dt.timedelta(days=1)
    for name, n in daily_counts(yesterday)[:10]:
        print(f"{name:30} {n}")
    print(export(yesterday, "acme-exports"))
