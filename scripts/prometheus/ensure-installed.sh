#!/usr/bin/env bash
# Makes sure the tools for the local Prometheus and for checking deploy/ are installed, installing
# missing ones with apt (Debian; needs root). Usage: ensure-installed.sh [prometheus] [pyyaml]
# (default: prometheus). "prometheus" is the Debian package with both prometheus and promtool;
# "pyyaml" is python3-yaml, which the deploy-config test uses to read YAML.
# Installing the Debian prometheus package may start its system service (on :9090, scraping a
# node exporter): a service started by this install is stopped again, so it neither takes the
# port from scripts/prometheus/start.sh nor keeps running unnoticed. One already running before
# is left alone.
source "$(dirname "$0")/../lib/common.sh"

packages=()
for tool in "${@:-prometheus}"; do
  case "$tool" in
    prometheus)
      if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then packages+=(prometheus); fi ;;
    pyyaml)
      if ! python3 -c 'import yaml' >/dev/null 2>&1; then packages+=(python3-yaml); fi ;;
    *) die "unknown tool '$tool' (expected prometheus or pyyaml)" ;;
  esac
done
((${#packages[@]})) || exit 0

# The Debian service runs as user prometheus (which the package creates); start.sh does not.
prometheus_pids() { pgrep -x -u prometheus prometheus 2>/dev/null | sort || true; }
before="$(prometheus_pids)"
log "installing ${packages[*]}"
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}") >/dev/null \
  || die "${packages[*]} missing and could not be installed (apt-get needs root and a Debian package source)"

# Stop what the install itself started (processes that were not there before it ran).
started="$(comm -13 <(printf '%s\n' "$before") <(prometheus_pids) | sed '/^$/d')"
if [[ -n "$started" ]]; then
  log "stopping the system prometheus service that the package install started"
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    systemctl stop prometheus >/dev/null 2>&1 || true
  elif command -v service >/dev/null; then
    service prometheus stop >/dev/null 2>&1 || true
  fi
  for pid in $started; do kill "$pid" 2>/dev/null || true; done
fi
exit 0
