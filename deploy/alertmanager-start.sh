#!/bin/sh
# Alertmanager reads no environment: fill the ${NAME} placeholders of alertmanager.yml in from
# it, then start. A placeholder of a variable that is not set stops the start here, rather
# than mailing nobody. The SMTP password is not among them: it is a secret file.
set -eu
config=/tmp/alertmanager.yml
cp /etc/alertmanager/alertmanager.tmpl.yml "$config"
for name in SMTP_HOST SMTP_PORT SMTP_USERNAME ALERT_MAIL_FROM ALERT_MAIL_ADMIN \
    ALERT_MAIL_PRIVACY_OFFICER; do
  eval "value=\${$name?$name is not set}"
  # The value goes into a sed replacement and a double-quoted YAML string.
  case "$value" in *[\"\\\|\&]*) echo "$name holds a character not allowed here" >&2; exit 1;; esac
  sed -i "s|\${$name}|$value|g" "$config"
done
exec /bin/alertmanager --config.file="$config" --storage.path=/alertmanager "$@"
