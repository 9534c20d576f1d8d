#!/usr/bin/env bash
# Installs what the tests need, builds in Release, runs every test project, and ends with
# "N passed, N failed, N skipped". Exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# The web client's end-to-end test (tests/WildDuck.WebClient.Tests) drives Debian's headless Chromium.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing: ${need_apt[*]}"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null 2>&1 \
    || echo "warning: could not install ${need_apt[*]}; tests that need them will be skipped"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is required"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

results="TestResults"
rm -rf "$results"
mkdir -p "$results"

if ! dotnet build WildDuck.Core.sln -c Release -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

passed=0; failed=0; skipped=0; status=0
for project in $(find tests -name '*.Tests.csproj' | sort); do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  dotnet test "$project" -c Release --no-build -nologo -v quiet \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" --blame-hang-timeout 5m
  rc=$?
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    e="$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")"
    t="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
    x="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    # Skipped tests are counted as total - executed (VSTest leaves notExecuted at 0 for them).
    s=$(( ${t:-0} - ${x:-0} ))
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
    if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ] && [ "${e:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
  else
    echo "no results for $name (test host crashed?)"
    failed=$((failed + 1))
  fi
  [ "$rc" -ne 0 ] && status=1
done

[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
