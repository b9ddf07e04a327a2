#!/bin/sh
# Runs once, when the postgres container starts on an empty volume (docker-entrypoint-initdb.d):
# the per-service roles and databases of postgres-init.sql, with the passwords from the
# environment (deploy/.env), never from a file in the repository.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v gateway_password="$GATEWAY_DATABASE_PASSWORD" \
  -v intake_password="$INTAKE_DATABASE_PASSWORD" \
  -v candidates_password="$CANDIDATES_DATABASE_PASSWORD" \
  -v crm_password="$CRM_DATABASE_PASSWORD" \
  -v documents_password="$DOCUMENTS_DATABASE_PASSWORD" \
  -v privacy_password="$PRIVACY_DATABASE_PASSWORD" \
  -f /etc/talent/postgres-init.sql
