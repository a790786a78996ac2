from infra.db.migrations import run_env
from subgraphs.catalog.models import Base

run_env(Base.metadata)
