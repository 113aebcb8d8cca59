from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


@dataclass
class DatabaseConfig:
    url: str = "sqlite:///app.db"
    pool_size: int = 5
    echo: bool = False


@dataclass
class RedisConfig:
    url: str = "redis://localhost:6379/0"
    prefix: str = "app:"


@dataclass
class AppConfig:
    debug: bool = False
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    redis: RedisConfig = field(default_factory=RedisConfig)
    features: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> AppConfig:
        raw: dict = json.loads(path.read_text()) if path and path.exists() else {}
        cfg = cls(
            debug=raw.get("debug", False),
            database=DatabaseConfig(**raw.get("database", {})),
            redis=RedisConfig(**raw.get("redis", {})),
            features=raw.get("features", {}),
        )
        cfg.apply_env()
        return cfg

    def apply_env(self, environ: dict[str, str] | None = None) -> None:
        env = environ if environ is not None else os.environ
        for section in (self.database, self.redis):
            prefix = f"APP_{type(section).__name__.removesuffix('Config').upper()}_"
            for f in fields(section):
                key = prefix + f.name.upper()
                if key in env.keys():
                    current = getattr(section, f.name)
                    setattr(section, f.name, type(current)(env[key]) if not isinstance(current, bool) else env[key] == "1")

    def enabled(self, feature: str) -> bool:
        return self.features.get(feature, False)

    def dump(self) -> str:
        data = asdict(self)
        data["database"]["url"] = "***" if "@" in data["database"]["url"] else data["database"]["url"]
        return json.dumps(data, indent=2, sort_keys=True)


if __name__ == "__main__":
    cfg = AppConfig.load(Path("config.json"))
    print(cfg.dump())
    print("sections:", list(asdict(cfg).keys()))
