from infra.db.migrations import run_env
from subgraphs.campaign.models import Base

run_env(Base.metadata)
