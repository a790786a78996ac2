from infra.db.migrations import run_env
from subgraphs.llm.models import Base

run_env(Base.metadata)
