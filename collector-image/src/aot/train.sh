#!/bin/sh
# Trains the collector's JDK AOT cache (JEP 483/515: classes loaded and linked, method profiles) at image build:
# one pcapfile: run of the bundled demo capture against the bundled Intercept, with the image's own JVM, flags
# (JAVA_TOOL_OPTIONS) and class path, because a cache only loads on the JVM build and class path it was made with.
# Usage: train.sh HOME (the image's /opt/kubeli); writes HOME/kubeli-collector.aot. A JVM that cannot use the
# cache later (other JVM, changed jar, other flags) logs "[aot]" errors once and starts without it.
set -eu
home=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! java -XX:AOTCacheOutput="$home/kubeli-collector.aot" --enable-native-access=ALL-UNNAMED \
    -cp "$home/kubeli-collector.jar" io.kubeli.collector.CollectorMain \
    --source "pcapfile:$home/aot/traffic.pcap" --intercepts "$home/aot/intercepts" \
    --output "file:$work/out/" --spool "$work/spool" --radius-state none >"$work/log" 2>&1; then
  cat "$work/log"
  echo "AOT training run failed" >&2
  exit 1
fi
if [ ! -s "$home/kubeli-collector.aot" ] || ! grep -q "records=" "$work/log"; then
  cat "$work/log"
  echo "AOT training wrote no cache or processed nothing" >&2
  exit 1
fi
