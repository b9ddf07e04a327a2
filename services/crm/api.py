"""crm HTTP API."""

from fastapi import APIRouter

router = APIRouter()
