from infra.db.migrations import run_env
from subgraphs.character.models import Base

run_env(Base.metadata)
