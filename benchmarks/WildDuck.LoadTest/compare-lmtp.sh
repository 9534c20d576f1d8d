#!/bin/bash
# LMTP delivery against two already-running LMTP servers, interleaved so both see the same machine
# load: N corpus messages over one connection, then over C parallel connections. See README.md.
# Usage: compare-lmtp.sh [A_PORT A_RCPT] [B_PORT B_RCPT]
#   defaults: WildDuck 2424 'loaduser{i}@localhost', Dovecot 10024 'testuser9{i}@localhost'
#   ({i} = 1..C per connection; the users must exist).
set -u
here=$(cd "$(dirname "$0")" && pwd)
LT=${LT:-$here/bin/Release/net10.0/WildDuck.LoadTest}
A_PORT=${1:-2424}; A_RCPT=${2:-'loaduser{i}@localhost'}; B_PORT=${3:-10024}; B_RCPT=${4:-'testuser9{i}@localhost'}
N=${N:-5000}; C=${C:-4}
# Optional A_PID / B_PID: before each run, wait until that server has used < 3 % CPU for a second
# (deferred work of its previous run, such as our search indexing, must not overlap the other
# server's run), then flush dirty pages (ext4 would charge them to the next fsync).
settle() {
  for pid in ${A_PID:-} ${B_PID:-}; do
    while :; do
      a=$(awk '{print $14+$15}' "/proc/$pid/stat"); sleep 1; b=$(awk '{print $14+$15}' "/proc/$pid/stat")
      [ $((b - a)) -lt 3 ] && break
    done
  done
  sync; sleep 1
}
for connections in 1 "$C"; do
  for side in A B; do
    settle
    if [ $side = A ]; then port=$A_PORT; rcpt=$A_RCPT; else port=$B_PORT; rcpt=$B_RCPT; fi
    printf '%-28s %-6s ' "lmtp-deliver $N c=$connections" "$port"
    $LT --port "$port" --rcpt "$rcpt" --users "$connections" lmtp-deliver "$N" "$connections" | grep RESULT
  done
done
