#!/usr/bin/env bash
# Room capacity of the embedded server: starts the Release host pinned to CPU 0, drives rooms of 8 simulated players
# (20 Hz inputs, random walk) from CPU 1, and adds rooms step by step until ticks overrun (a skipped tick or a room
# below 19.5 Hz). Prints one row per step. Stops the host it started, by PID.
# Usage: bench/capacity.sh [steps, default 25,50,100,150,200,250,300] [seconds per step, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-25,50,100,150,200,250,300}
seconds=${2:-10}
port=5077; gateway=30077; silo=11177
# The host needs a key to check player tokens; the probe signs its bots' tokens with the same one.
key=$(head -c 32 /dev/urandom | base64)

dotnet build src/GameServer.Host -c Release -v q >/dev/null
dotnet build bench/GameServer.Benchmarks -c Release -v q >/dev/null

(cd src/GameServer.Host && exec taskset -c 0 dotnet bin/Release/net10.0/GameServer.Host.dll \
  --urls "http://127.0.0.1:$port" --Silo:SiloPort=$silo --Silo:GatewayPort=$gateway \
  --Logging:LogLevel:Default=Warning --Auth:SigningKey="$key" --Edge:MaxConnectionsPerIp=1000000 >/tmp/gameserver-capacity-host.log 2>&1) &
host=$!
trap 'kill $host 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done

taskset -c 1 dotnet bench/GameServer.Benchmarks/bin/Release/net10.0/GameServer.Benchmarks.dll capacity \
  --url "ws://127.0.0.1:$port/ws" --gateway $gateway --pid $host --steps "$steps" --seconds "$seconds" --token-key "$key" || true
