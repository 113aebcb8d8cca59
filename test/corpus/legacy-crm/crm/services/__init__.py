from crm.services.contact import contact_service
from crm.services.async_contact import async_contact_service
