-- One database per service (DESIGN rule 1), owned by the service's own login role: no
-- superuser, no CREATEDB/CREATEROLE, and no other role may connect (CONNECT and TEMP are
-- revoked from PUBLIC). Run once on an empty volume by postgres-init.sh, which passes each
-- service's password (from deploy/.env) as a psql variable.
\set ON_ERROR_STOP on

CREATE ROLE talent_gateway LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'gateway_password';
CREATE DATABASE talent_gateway OWNER talent_gateway;
REVOKE ALL ON DATABASE talent_gateway FROM PUBLIC;

CREATE ROLE talent_intake LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'intake_password';
CREATE DATABASE talent_intake OWNER talent_intake;
REVOKE ALL ON DATABASE talent_intake FROM PUBLIC;

CREATE ROLE talent_candidates LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'candidates_password';
CREATE DATABASE talent_candidates OWNER talent_candidates;
REVOKE ALL ON DATABASE talent_candidates FROM PUBLIC;

CREATE ROLE talent_crm LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'crm_password';
CREATE DATABASE talent_crm OWNER talent_crm;
REVOKE ALL ON DATABASE talent_crm FROM PUBLIC;

CREATE ROLE talent_documents LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'documents_password';
CREATE DATABASE talent_documents OWNER talent_documents;
REVOKE ALL ON DATABASE talent_documents FROM PUBLIC;

CREATE ROLE talent_privacy LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'privacy_password';
CREATE DATABASE talent_privacy OWNER talent_privacy;
REVOKE ALL ON DATABASE talent_privacy FROM PUBLIC;

-- The maintenance database holds nothing of ours: no service needs to open it either.
REVOKE ALL ON DATABASE postgres FROM PUBLIC;
