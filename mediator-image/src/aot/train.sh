#!/bin/sh
# Trains the mediator's JDK AOT cache (JEP 483/515) at image build: the mediator starts on the bundled resources
# (file configuration, plain link, metrics), serves the link for two seconds and stops normally (the cache is written
# at exit), with the image's own JVM, flags (JAVA_TOOL_OPTIONS) and class path: a cache only loads on the JVM build
# and class path it was made with. Usage: train.sh HOME (the image's /opt/kubeli); writes HOME/kubeli-mediator.aot.
# A JVM that cannot use the cache later (other JVM, changed jar, other flags) logs "[aot]" errors once and starts
# without it.
set -eu
home=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -XX:AOTCacheOutput="$home/kubeli-mediator.aot" -cp "$home/kubeli-mediator.jar" io.kubeli.mediator.MediatorMain \
  --config "$home/aot/config" --listen 0 --data "$work/data" --plain --metrics-port 0 >"$work/log" 2>&1 &
pid=$!
i=0
until grep -q "link listening on port" "$work/log"; do
  i=$((i + 1))
  if [ "$i" -gt 1200 ] || ! kill -0 "$pid" 2>/dev/null; then   # 120 s, or it exited
    kill -KILL "$pid" 2>/dev/null || true
    cat "$work/log"
    echo "AOT training: the mediator did not start" >&2
    exit 1
  fi
  sleep 0.1
done
sleep 2
kill -TERM "$pid"
wait "$pid" || true   # 143 after SIGTERM; the cache is assembled before the JVM exits
if [ ! -s "$home/kubeli-mediator.aot" ]; then
  cat "$work/log"
  echo "AOT training wrote no cache" >&2
  exit 1
fi
