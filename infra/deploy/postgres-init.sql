-- One database per service: each service owns its data and its migrations.
CREATE DATABASE auth OWNER dndcreator;
CREATE DATABASE character OWNER dndcreator;
CREATE DATABASE campaign OWNER dndcreator;
CREATE DATABASE catalog OWNER dndcreator;
CREATE DATABASE image OWNER dndcreator;
CREATE DATABASE llm OWNER dndcreator;
