#!/bin/bash
# Runs the read scenarios and idle-latency against two already-running IMAP servers, interleaved,
# so both see the same machine load. Populate both first (populate 5000). See README.md.
# SKIP_IDLE=1 leaves out idle-latency (Dovecot's takes ~100 s). A_POP3/B_POP3 (POP3 ports of the
# two servers, e.g. 1110 and 10110) add pop3-retr, one RETR at a time and 16 in flight.
# Usage: compare.sh [A_PORT A_USER] [B_PORT B_USER]   (defaults: WildDuck 1143 loaduser, Dovecot 10143 testuser1)
set -u
here=$(cd "$(dirname "$0")" && pwd)
LT=${LT:-$here/bin/Release/net10.0/WildDuck.LoadTest}
A_PORT=${1:-1143}; A_USER=${2:-loaduser}; B_PORT=${3:-10143}; B_USER=${4:-testuser1}
RUNS=${RUNS:-7}; PASSWORD=${PASSWORD:-pass}
for scenario in "fetch-body" "fetch-meta" "search-body test" "search-body hello" "search-body quux"; do
  for side in A B; do
    if [ $side = A ]; then port=$A_PORT; user=$A_USER; else port=$B_PORT; user=$B_USER; fi
    printf '%-20s %-6s ' "$scenario" "$port"
    $LT --port "$port" --user "$user" --password "$PASSWORD" --runs "$RUNS" $scenario | grep RESULT
  done
done
if [ -n "${A_POP3:-}" ] && [ -n "${B_POP3:-}" ]; then
  for depth in 1 16; do
    for side in A B; do
      if [ $side = A ]; then port=$A_POP3; user=$A_USER; else port=$B_POP3; user=$B_USER; fi
      printf '%-20s %-6s ' "pop3-retr $depth" "$port"
      $LT --port "$port" --user "$user" --password "$PASSWORD" --runs "$RUNS" pop3-retr $depth | grep RESULT
    done
  done
fi
[ "${SKIP_IDLE:-0}" = 1 ] && exit 0
for side in A B; do
  if [ $side = A ]; then port=$A_PORT; user=$A_USER; else port=$B_PORT; user=$B_USER; fi
  printf '%-20s %-6s\n' "idle-latency 200" "$port"
  $LT --port "$port" --user "$user" --password "$PASSWORD" idle-latency 200 | tail -3
done
