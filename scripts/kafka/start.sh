#!/usr/bin/env bash
# Starts a single-node KRaft broker on 127.0.0.1:$KAFKA_PORT unless one already answers. Idempotent.
# State in .run/kafka/data, log in .run/kafka/broker.log.
source "$(dirname "$0")/../lib/common.sh"
DIR="$MS_RUN/kafka"
PIDFILE="$DIR/broker.pid"
if port_open "$KAFKA_PORT"; then
  log "Kafka already answers on 127.0.0.1:$KAFKA_PORT"
  exit 0
fi
bash "$MS_ROOT/scripts/kafka/fetch.sh"
mkdir -p "$DIR/data"
CONF="$DIR/server.properties"
cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
message.max.bytes=2097152
PROPS
cat >"$DIR/log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
CP="$MS_CACHE/kafka/libs/*"
if [[ ! -f "$DIR/data/meta.properties" ]]; then
  log "formatting KRaft storage"
  java -cp "$CP" -Dlog4j.configuration="file:$DIR/log4j.properties" kafka.tools.StorageTool format \
    -t "$(java -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" -c "$CONF" --ignore-formatted >/dev/null
fi
log "starting Kafka on 127.0.0.1:$KAFKA_PORT"
nohup java -Xms256m -Xmx1g -XX:+UseG1GC -cp "$CP" \
  -Dlog4j.configuration="file:$DIR/log4j.properties" kafka.Kafka "$CONF" >"$DIR/broker.log" 2>&1 &
echo $! >"$PIDFILE"
wait_for "Kafka" 90 port_open "$KAFKA_PORT" || { tail -30 "$DIR/broker.log" >&2; die "Kafka did not start (log: $DIR/broker.log)"; }
