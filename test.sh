#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need (Chromium for the browser test, redis-server and nginx
# for the cluster tests, clang and zlib for the NativeAOT client test, npm packages via the build), restores, builds and
# runs the whole solution's tests. TRX results land in ./TestResults.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The cluster tests start their own redis-server processes on free ports.
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# The cluster tests run the shipped docker/nginx.conf on their own nginx process (free ports, foreground).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
# NativeAOT links the console client with the system's C toolchain.
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need_apt+=(zlib1g-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]} (apt)..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  # The packages may start a system redis on 6379 and nginx on 80; the tests need neither, so stop them (ignoring
  # failure: no init system).
  if [[ " ${need_apt[*]} " == *" redis-server "* ]]; then
    $SUDO service redis-server stop >/dev/null 2>&1 || true
  fi
  if [[ " ${need_apt[*]} " == *" nginx "* ]]; then
    $SUDO service nginx stop >/dev/null 2>&1 || true
  fi
fi

rm -rf TestResults
dotnet restore GameServer.sln
dotnet build GameServer.sln -c Release --no-restore

# One project at a time: each writes its own TRX, and timing-sensitive tests do not compete for the two cores.
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build \
    --logger "trx;LogFileName=$name.trx" --results-directory TestResults \
    --logger "console;verbosity=normal" "$@" || status=1
done
exit $status
