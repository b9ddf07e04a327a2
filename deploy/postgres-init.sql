-- One database per service (DESIGN rule 1). In a managed PostgreSQL, give each its own role.
CREATE DATABASE talent_gateway;
CREATE DATABASE talent_intake;
CREATE DATABASE talent_candidates;
CREATE DATABASE talent_crm;
CREATE DATABASE talent_documents;
CREATE DATABASE talent_privacy;
