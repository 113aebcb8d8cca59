from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from crm.deps import get_async_db
from crm.models import Company
from crm.repositories.company import AsyncCompanyRepository
from crm.utils import slugify

router = APIRouter(prefix="/companies", tags=["companies"])


@router.get("/{company_id}")
async def get_company(company_id: int, db: AsyncSession = Depends(get_async_db)):
    repo = AsyncCompanyRepository(db)
    company = await repo.get(company_id)
    if company is None:
        raise HTTPException(404)
    return {"id": company.id, "name": company.name, "slug": slugify(company.name), "contacts": await repo.contact_count(company)}


@router.post("", status_code=201)
async def create_company(name: str, domain: str, db: AsyncSession = Depends(get_async_db)):
    repo = AsyncCompanyRepository(db)
    if await repo.by_domain(domain):
        raise HTTPException(409, "domain taken")
    company = await repo.save(Company(name=name, domain=domain))
    return {"id": company.id}
