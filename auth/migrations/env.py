from auth.models import Base
from infra.db.migrations import run_env

run_env(Base.metadata)
