import logging
import logging.config
import os
import sys

import structlog

LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()

CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    "root": {"level": LEVEL, "handlers": ["stdout"]},
}


def configure() -> None:
    unknown = set(CONFIG.keys()) - {"version", "disable_existing_loggers", "formatters", "handlers", "root", "loggers"}
    if unknown:
        raise ValueError(f"unknown logging config sections: {unknown}")
    logging.config.dictConfig(CONFIG)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=sys.stdout),
    )


def get_logger(name: str):
    return structlog.get_logger(name)
