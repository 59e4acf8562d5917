-- Run once by the postgres image on an empty data directory (docker-compose.yml).
-- The app connects as an ordinary role, not the superuser: the audit trail's
-- TRUNCATE trigger and the append-only triggers bind every role but a superuser.
CREATE ROLE socialcrm LOGIN PASSWORD 'socialcrm' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE socialcrm OWNER socialcrm;
