from sqlalchemy.ext.asyncio import AsyncSession  # noqa: F401 (the migrated cases are annotated with it)
from mf.queries import member_names


def case_mf_member_names_unsupported(db):
    return member_names(db, 1)


def nightly_member_report(db):
    # A sync caller that is not being migrated: it cannot await member_names once that is async.
    return ", ".join(member_names(db, 2))
