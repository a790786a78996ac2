from infra.db.migrations import run_env
from subgraphs.image.models import Base

run_env(Base.metadata)
