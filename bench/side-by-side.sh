#!/usr/bin/env bash
# This server next to Colyseus on the shared "arena" workload: runs ../shared/bench/side-by-side.sh (beside this
# repository) with the Release embedded host as the other server and bench/adapters/gameserver.js as its bot adapter.
# The two servers alternate at each room count in one session; the medians and ratios (ours over Colyseus's) come at
# the end, on stderr. Only ratios from one session compare: absolute CPU moves by up to ±20 % between sessions.
#
# The host runs with its default settings (appsettings.json of the build, Production environment) except:
# Auth:SigningKey (a fresh key per run; the adapter signs its players' tokens with it), Edge:MaxConnectionsPerIp
# (100000: every bot comes from 127.0.0.1), Silo:SiloPort and Silo:GatewayPort (free ports per start).
#
# Env (defaults from the shared script): ROOMS="25 50 75 100" REPEAT=1 WARMUP=30 WINDOW=20 OUT SERVER_CPU=0 BOT_CPU=1
#   GAMESERVER_DLL   the host to run (default src/GameServer.Host/bin/Release/net10.0/GameServer.Host.dll, built if
#                    missing); point it at another build for an A/B
#   GAMESERVER_ENV   extra server environment, appended last so it wins, e.g. "Edge__X=1 Silo__DashboardEnabled=false"
#   GAMESERVER_PROTOCOL  v1: the bots offer only gameserver.v1 (full snapshots, no deltas), for an A/B of delta snapshots
#
#   REPEAT=3 bench/side-by-side.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared="$repo/../shared/bench"
[ -f "$shared/side-by-side.sh" ] || { echo "bench/side-by-side.sh: $shared/side-by-side.sh not found: the shared benchmark folder must sit beside this repository (../shared)." >&2; exit 1; }

dll=${GAMESERVER_DLL:-$repo/src/GameServer.Host/bin/Release/net10.0/GameServer.Host.dll}
if [ ! -f "$dll" ]; then
  if [ -n "${GAMESERVER_DLL:-}" ]; then echo "bench/side-by-side.sh: GAMESERVER_DLL=$dll does not exist." >&2; exit 1; fi
  echo "# building the Release host" >&2
  dotnet build -c Release "$repo/src/GameServer.Host" -v q >&2
fi
dll=$(cd "$(dirname "$dll")" && pwd)/$(basename "$dll")

# The adapter's client libraries (pinned like shared/bench's); npm ci only when the lockfile is newer than the install.
if [ ! -f "$repo/bench/node_modules/.package-lock.json" ] || [ "$repo/bench/package-lock.json" -nt "$repo/bench/node_modules/.package-lock.json" ]; then
  (cd "$repo/bench" && npm ci --no-audit --no-fund >&2)
fi

key=$(head -c 32 /dev/urandom | base64)
export GAMESERVER_SIGNING_KEY=$key   # read by adapters/gameserver.js in the bot process

# Run by the shared script as `bash -c` with PORT exported, once per server start. The content root is the build's
# folder, so each build runs with its own appsettings.json. Two free ports other than $PORT for the silo, picked
# with both sockets open at once so they differ.
pick_ports='import os, socket
held = []
while len(held) < 2:
    s = socket.socket(); s.bind(("127.0.0.1", 0))
    if s.getsockname()[1] != int(os.environ["PORT"]): held.append(s)
print(*(s.getsockname()[1] for s in held))'
printf -v SERVER_CMD 'cd %q && read -r silo gateway < <(python3 -c %q) && exec env ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=%q Edge__MaxConnectionsPerIp=100000 Silo__SiloPort=$silo Silo__GatewayPort=$gateway %s dotnet %q --urls "http://127.0.0.1:$PORT"' \
  "$(dirname "$dll")" "$pick_ports" "$key" "${GAMESERVER_ENV:-}" "$dll"

# The shared script installs packages and writes results/ and logs/ in its own folder, and only copies itself
# elsewhere when that folder is not writable (as root it always is): run it from a private copy so ../shared stays
# untouched. A relative OUT means relative to here.
copy=$(mktemp -d -t gameserver-side-by-side.XXXXXX)
cp -r "$shared/." "$copy"
chmod -R u+w "$copy"
if [ -n "${OUT:-}" ]; then
  case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
  mkdir -p "$(dirname "$OUT")"
  export OUT
fi
echo "# gameserver: $dll${GAMESERVER_ENV:+ with $GAMESERVER_ENV}; running $copy/side-by-side.sh (logs/ and results/ stay there)" >&2
rc=0
NAME=gameserver ADAPTER="$repo/bench/adapters/gameserver.js" SERVER_CMD=$SERVER_CMD "$copy/side-by-side.sh" || rc=$?
rm -rf "$copy/node_modules"   # the copy's Colyseus packages (npm ci reinstalls them next time); keep the logs
exit "$rc"
