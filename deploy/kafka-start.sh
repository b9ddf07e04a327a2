#!/bin/bash
# The broker as deploy/ runs it: clients authenticate with SCRAM-SHA-512, one user per service,
# and may do only what the ACLs allow (StandardAuthorizer; the `topics` job applies the
# bindings generated from the catalogue: `python -m services.common.topics acls`). The users'
# credentials are written into the metadata when the storage is formatted (first start), so
# they exist before any client connects; change one later with kafka-configs.sh --alter
# --add-config 'SCRAM-SHA-512=[password=…]' --entity-type users --entity-name NAME, as admin.
set -euo pipefail
DATA=/var/lib/kafka/data
CONFIG=/tmp/server.properties
USERS=(gateway intake candidates crm documents privacy ops)

cat > "$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
# The node reaches its own controller over loopback only, unauthenticated (ANONYMOUS below).
listeners=SASL_PLAINTEXT://:9092,CONTROLLER://localhost:9093
advertised.listeners=SASL_PLAINTEXT://kafka:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
log.dirs=$DATA
PROPERTIES

# What the health check and an operator's kafka-*.sh tools connect with, inside the container.
cat > /tmp/admin.properties <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
PROPERTIES

if [ ! -f "$DATA/meta.properties" ]; then
  scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=${KAFKA_ADMIN_PASSWORD}]")
  for user in "${USERS[@]}"; do
    var="${user^^}_KAFKA_PASSWORD"
    scram+=(--add-scram "SCRAM-SHA-512=[name=${user},password=${!var:?$var is not set}]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" \
    -c "$CONFIG" "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$CONFIG"
