"""Quick-and-dirty sync of a CSV into a SQLite table using `dataset`."""
import csv
import sys

import dataset

db = dataset.connect("sqlite:///contacts.db")
table = db["contacts"]


def load(path: str) -> int:
    n = 0
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table.upsert(dict(row, email=row["email"].lower()), ["email"])
            n += 1
    return n


def domains() -> list[tuple[str, int]]:
    result = db.query("SELECT substr(email, instr(email, '@') + 1) AS domain, count(*) AS n FROM contacts GROUP BY 1 ORDER BY 2 DESC")
    return [(row["domain"], row["n"]) for row in result]


def remove(email: str) -> None:
    table.delete(email=email.lower())


if __name__ == "__main__":
    print(load(sys.argv[1]), "rows")
    for domain, n in domains()[:20]:
        print(domain, n)
    print(table.columns, list(table.find_one().keys()) if len(table) else [])
