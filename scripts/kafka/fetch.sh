#!/usr/bin/env bash
# Resolves Apache Kafka's jars (see pom.xml) from Maven Central into .cache/kafka/libs. Idempotent.
source "$(dirname "$0")/../lib/common.sh"
LIBS="$MS_CACHE/kafka/libs"
STAMP="$LIBS/.complete-$(sha256sum "$MS_ROOT/scripts/kafka/pom.xml" | cut -c1-12)"
[[ -f "$STAMP" ]] && exit 0
command -v mvn >/dev/null || die "mvn is required to fetch Kafka (apt-get install maven)"
command -v java >/dev/null || die "a JDK (17+) is required to run Kafka"
log "fetching Kafka jars from Maven Central into $LIBS"
rm -rf "$LIBS" && mkdir -p "$LIBS"
mvn -q -B -f "$MS_ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$LIBS"
touch "$STAMP"
