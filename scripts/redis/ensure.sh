#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:$REDIS_PORT, starting a local redis-server if none does.
source "$(dirname "$0")/../lib/common.sh"
if port_open "$REDIS_PORT"; then exit 0; fi
if ! command -v redis-server >/dev/null; then
  log "installing redis-server"
  (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null || die "redis-server is missing and could not be installed"
fi
mkdir -p "$MS_RUN/redis"
log "starting redis-server on 127.0.0.1:$REDIS_PORT"
redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
  --dir "$MS_RUN/redis" --logfile "$MS_RUN/redis/redis.log" --pidfile "$MS_RUN/redis/redis.pid"
wait_for "Redis" 20 port_open "$REDIS_PORT" || die "Redis did not start (log: $MS_RUN/redis/redis.log)"
