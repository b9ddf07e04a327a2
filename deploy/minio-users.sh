#!/bin/sh
# One MinIO user per service that uses the object store, limited by its policy in minio/:
# documents owns the documents and photos buckets, privacy the export bucket (and reads every
# bucket for its erasure check), intake and documents may only add copies to an export. The
# root credentials stay with this job; no service gets them. Safe to run at every start.
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
for user in intake documents privacy; do
  var=$(echo "$user" | tr a-z A-Z)_S3_SECRET_KEY
  eval "secret=\${$var:?$var is not set}"
  mc admin policy create local "talent-$user" "/etc/talent/minio/$user.json"
  mc admin user add local "$user" "$secret"  # sets the secret anew: rotation is a re-run
  if ! mc admin policy entities local --user "$user" | grep -q "talent-$user"; then
    mc admin policy attach local "talent-$user" --user "$user"
  fi
done
