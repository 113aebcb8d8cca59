from pydantic import BaseModel, ConfigDict, EmailStr, SecretStr


class CustomerCreate(BaseModel):
    email: EmailStr
    full_name: str
    password: SecretStr


class CustomerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: EmailStr
    full_name: str


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
