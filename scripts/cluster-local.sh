#!/usr/bin/env bash
# Runs GameServer in cluster mode on this machine: redis-server, two silos and two edges, each a separate process, all
# on loopback. Builds once (Release), prints the URLs, and on Ctrl-C or exit stops exactly the processes it started
# (by PID: SIGTERM, then SIGKILL after a timeout). Logs and PIDs go to a temporary folder it prints.
#
#   scripts/cluster-local.sh                 # build, start, wait for Ctrl-C
#   NO_BUILD=1 scripts/cluster-local.sh      # reuse the last Release build
#
# Settings (environment): REDIS_PORT (6390), EDGE_PORTS ("5101 5102"), SILO_PORTS ("11111 11112"),
# GATEWAY_PORTS ("30000 30001"), SILO_HTTP_PORTS ("5111 5112": each silo's management port, Management__Urls, where
# /readyz and /metrics answer; a silo has no game port), GAMESERVER_SIGNING_KEY (random per run),
# STOP_TIMEOUT_SECONDS (35). The edges run in Development, which serves /readyz and /metrics on their game port.
# Anything else the hosts read can be set the usual way, e.g. Cluster__ProbeTimeoutMs=2000.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PORT=${REDIS_PORT:-6390}
read -r -a edge_ports <<<"${EDGE_PORTS:-5101 5102}"
read -r -a silo_ports <<<"${SILO_PORTS:-11111 11112}"
read -r -a gateway_ports <<<"${GATEWAY_PORTS:-30000 30001}"
read -r -a silo_http_ports <<<"${SILO_HTTP_PORTS:-5111 5112}"
STOP_TIMEOUT_SECONDS=${STOP_TIMEOUT_SECONDS:-35}
SIGNING_KEY=${GAMESERVER_SIGNING_KEY:-$(head -c 32 /dev/urandom | base64)}

command -v redis-server >/dev/null 2>&1 || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }

if [ -z "${NO_BUILD:-}" ]; then
  echo "Building (Release)..."
  dotnet build src/GameServer.Silo -c Release -v quiet -nologo
  dotnet build src/GameServer.EdgeHost -c Release -v quiet -nologo
fi
silo_dll=src/GameServer.Silo/bin/Release/net10.0/GameServer.Silo.dll
edge_dll=src/GameServer.EdgeHost/bin/Release/net10.0/GameServer.EdgeHost.dll
demo_page=src/GameServer.Host/wwwroot

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/gameserver-cluster.XXXXXX")
mkdir -p "$run_dir/redis"
pids=()     # every process this script started, in start order
names=()

start() { # name, then the command; logs to $run_dir/<name>.log
  local name=$1; shift
  "$@" >"$run_dir/$name.log" 2>&1 &
  pids+=($!); names+=("$name")
  echo "$!" >"$run_dir/$name.pid"
}

stop_all() {
  trap - EXIT INT TERM
  echo; echo "Stopping what this script started..."
  # Edges first (players get a close frame), then silos (rooms checkpoint), redis last: reverse start order.
  local i pid deadline
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + STOP_TIMEOUT_SECONDS))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "  ${names[i]} (pid $pid) did not stop within ${STOP_TIMEOUT_SECONDS} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    else
      echo "  ${names[i]} (pid $pid) stopped"
    fi
  done
  echo "Logs: $run_dir"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_ready() { # name, url
  local name=$1 url=$2 deadline=$((SECONDS + 90)) pid
  pid=$(cat "$run_dir/$name.pid")
  until curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$name exited; its log:" >&2; tail -n 40 "$run_dir/$name.log" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "$name not ready after 90 s; its log:" >&2; tail -n 40 "$run_dir/$name.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "  $name ready: $url"
}

export Cluster__RedisConnectionString="127.0.0.1:$REDIS_PORT"

echo "Starting redis-server on 127.0.0.1:$REDIS_PORT (data in $run_dir/redis, not persisted)..."
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$run_dir/redis"
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "Starting silos..."
for i in "${!silo_ports[@]}"; do
  n=$((i + 1))
  start "silo-$n" env Management__Urls="http://127.0.0.1:${silo_http_ports[i]}" \
    Cluster__SiloPort="${silo_ports[i]}" Cluster__GatewayPort="${gateway_ports[i]}" Cluster__AdvertisedIPAddress=127.0.0.1 \
    dotnet "$silo_dll"
done
for i in "${!silo_ports[@]}"; do wait_ready "silo-$((i + 1))" "http://127.0.0.1:${silo_http_ports[i]}"; done

# The demo page needs its browser libraries, which the embedded host's build fetches (npm) into wwwroot/lib.
static_files=""
if [ -f "$demo_page/lib/msgpack/index.mjs" ]; then
  static_files="$PWD/$demo_page"
else
  echo "(No demo page on the edges: run 'dotnet build src/GameServer.Host -c Release' once to fetch its libraries.)"
fi

echo "Starting edges..."
for i in "${!edge_ports[@]}"; do
  n=$((i + 1))
  start "edge-$n" env Urls="http://127.0.0.1:${edge_ports[i]}" ASPNETCORE_ENVIRONMENT=Development \
    Auth__SigningKey="$SIGNING_KEY" EdgeHost__StaticFilesPath="$static_files" \
    dotnet "$edge_dll"
done
for i in "${!edge_ports[@]}"; do wait_ready "edge-$((i + 1))" "http://127.0.0.1:${edge_ports[i]}"; done

cat <<INFO

GameServer cluster is up (Ctrl-C stops it):
  redis     127.0.0.1:$REDIS_PORT
$(for i in "${!silo_ports[@]}"; do echo "  silo-$((i + 1))    silo port ${silo_ports[i]}, gateway ${gateway_ports[i]}, health http://127.0.0.1:${silo_http_ports[i]}/readyz"; done)
$(for i in "${!edge_ports[@]}"; do echo "  edge-$((i + 1))    http://127.0.0.1:${edge_ports[i]}/  (game ws://127.0.0.1:${edge_ports[i]}/ws, /readyz, /metrics)"; done)
  tokens    http://127.0.0.1:${edge_ports[0]}/auth/dev-token?player=alice  (Development; signing key: $SIGNING_KEY)
  PIDs      $run_dir/*.pid    logs $run_dir/*.log

Try a failover: kill -9 \$(cat $run_dir/silo-1.pid)
INFO

# Wait until Ctrl-C, or until any started process exits.
while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[i]}" 2>/dev/null; then
      echo "${names[i]} (pid ${pids[i]}) exited; see $run_dir/${names[i]}.log"
      unset 'pids[i]' 'names[i]'
      pids=("${pids[@]}"); names=("${names[@]}")
      break
    fi
  done
  [ ${#pids[@]} -gt 0 ] || exit 1
  sleep 1
done
