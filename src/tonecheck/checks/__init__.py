"""Checks: components that turn an analysed draft into findings, behind one interface."""

from .base import Check, CheckContext, CheckInfo, registry

__all__ = ["Check", "CheckContext", "CheckInfo", "registry"]
