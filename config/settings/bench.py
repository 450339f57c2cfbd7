"""Benchmarks: a real database from DATABASE_URL (set by bench.harness), production-like."""

import os

from .base import *  # noqa: F403
from .base import database_from_env

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
DATABASES = {"default": database_from_env(os.environ["DATABASE_URL"])}
