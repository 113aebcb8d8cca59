"""Dependencias comunes de los endpoints.

La autenticación real la hace el gateway (Auth0); aquí llegan ya resueltos
el usuario y el gimnasio en cabeceras.
"""
from fastapi import Header, HTTPException


def get_current_user_id(x_user_id: int = Header(...)) -> int:
    if x_user_id <= 0:
        raise HTTPException(status_code=401, detail="Invalid user")
    return x_user_id


def get_current_gym_id(x_gym_id: int = Header(...)) -> int:
    if x_gym_id <= 0:
        raise HTTPException(status_code=400, detail="Invalid gym")
    return x_gym_id
