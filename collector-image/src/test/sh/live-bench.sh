#!/usr/bin/env bash
# Live harness: tcpreplay --topspeed from netns kcol-XXXX into a veth pair; the collector (afpacket:) and
# tcpdump -w /dev/null capture the same traffic at the same time on the root-namespace end.
# Reports sent, captured, kernel drops and capture-thread CPU ns per packet for both. Needs root, ip, tcpreplay,
# tcpdump, python3 and a built collector (./kubeli build). Addresses: 198.18.2.0/24 only. Bounded: LOOPS x 4096 packets.
# Usage: collector-image/src/test/sh/live-bench.sh [LOOPS] [THREADS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
LOOPS=${1:-200}
THREADS=${2:-1}
SFX=$(printf '%04x' $((RANDOM % 65536)))
NS=kcol-$SFX; CAP=kcol$SFX; SND=kcos$SFX
WORK=$(mktemp -d)
COLLECTOR_PID=; TCPDUMP_PID=
cleanup() {
  [[ -n "$COLLECTOR_PID" ]] && kill "$COLLECTOR_PID" 2>/dev/null || true
  [[ -n "$TCPDUMP_PID" ]] && kill "$TCPDUMP_PID" 2>/dev/null || true
  ip link del "$CAP" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$NS"
ip link add "$CAP" type veth peer name "$SND"
ip link set "$SND" netns "$NS"
sysctl -q -w "net.ipv6.conf.$CAP.disable_ipv6=1"
ip netns exec "$NS" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
ip addr add 198.18.2.1/24 dev "$CAP"
ip netns exec "$NS" ip addr add 198.18.2.2/24 dev "$SND"
ip link set "$CAP" up
ip netns exec "$NS" ip link set "$SND" up

# IMIX (7x64, 4x594, 1x1514) IPv4 UDP/TCP, 1 packet in 64 to/from the target 198.18.2.10
python3 - "$WORK/imix.pcap" <<'PY'
import struct, sys, random
random.seed(7)
out = open(sys.argv[1], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
sizes = [64]*7 + [594]*4 + [1514]  # 1514: the largest frame a 1500-MTU veth sends
for i in range(4096):
    size = random.choice(sizes)
    src = bytes([198, 18, 2, 10]) if i % 64 == 0 else bytes([198, 18, 2, 100 + random.randrange(100)])
    dst = bytes([198, 18, 2, 200 + random.randrange(50)])
    iplen = size - 14
    proto = 17 if i % 2 else 6
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, iplen, i & 0xffff, 0, 64, proto, 0, src, dst)
    ip += struct.pack('!HH', 1024 + i % 1000, 80) + bytes(iplen - 24)
    frame = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]) + b'\x08\x00' + ip
    out.write(struct.pack('<IIII', 1, i, len(frame), len(frame)) + frame)
out.close()
PY
mkdir -p "$WORK/i"
NOW=$(date -u +%s)
cat > "$WORK/i/i.yaml" <<YAML
apiVersion: li.kubeli.io/v1alpha1
kind: Agency
metadata: {name: lea}
spec: {countryCode: DE, operatorId: OP, hi2: {host: 127.0.0.1, port: 1}, hi3: {host: 127.0.0.1, port: 2}}
---
apiVersion: li.kubeli.io/v1alpha1
kind: Intercept
metadata: {name: bench}
spec:
  liid: BENCH-1
  agencyRef: lea
  mediatorRef: med
  authorizationCountryCode: DE
  deliveryCountryCode: DE
  validFrom: "$(date -u -d @$((NOW - 3600)) +%Y-%m-%dT%H:%M:%SZ)"
  validUntil: "$(date -u -d @$((NOW + 86400)) +%Y-%m-%dT%H:%M:%SZ)"
  targets: [{ip: 198.18.2.10, cin: 1}]
YAML

thread_cpu_ns() { # PID NAME-PREFIX: summed utime+stime of matching threads, in ns
  local tck; tck=$(getconf CLK_TCK); local sum=0
  for t in /proc/"$1"/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == "$2"* ]]; then
      read -r -a f < <(sed 's/^.*) //' "$t/stat"); sum=$((sum + f[11] + f[12]))
    fi
  done
  echo $((sum * 1000000000 / tck))
}
proc_cpu_ns() {
  local tck; tck=$(getconf CLK_TCK); read -r -a f < <(sed 's/^.*) //' "/proc/$1/stat"); echo $(((f[11] + f[12]) * 1000000000 / tck))
}

"$ROOT/kubeli" collector --source "afpacket:$CAP?threads=$THREADS&blocks=64" --intercepts "$WORK/i" \
  --output "file:$WORK/out.ber" --metrics-port 0 >"$WORK/collector.out" 2>"$WORK/collector.err" &
COLLECTOR_PID=$!
tcpdump -i "$CAP" -n -B 65536 -w /dev/null 2>"$WORK/tcpdump.err" &
TCPDUMP_PID=$!
sleep 4
JPID=$(pgrep -P "$COLLECTOR_PID" java || echo "$COLLECTOR_PID")
# warm-up round (JIT) before measuring
ip netns exec "$NS" tcpreplay -q --topspeed --loop=$((LOOPS / 5 + 1)) -i "$SND" "$WORK/imix.pcap" >/dev/null 2>&1
sleep 1
MPORT=$(sed -n 's/.*metrics on :\([0-9]*\).*/\1/p' "$WORK/collector.err" | head -1)
drops() { curl -s "http://127.0.0.1:$MPORT/metrics" | awk '/^kubeli_collector_drops_total\{place="socket"\}/ {print int($2)}'; }
D0=$(drops)
echo "socket drops after the warm-up round: $D0"
C0=$(thread_cpu_ns "$JPID" capture-); T0=$(proc_cpu_ns "$TCPDUMP_PID")
ip netns exec "$NS" tcpreplay -q --topspeed --loop="$LOOPS" -i "$SND" "$WORK/imix.pcap" 2>&1 | grep -E "Actual|Rated" || true
sleep 2
C1=$(thread_cpu_ns "$JPID" capture-); T1=$(proc_cpu_ns "$TCPDUMP_PID")
D1=$(drops)
echo "socket drops in the measured round: $((D1 - D0))"
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null || true; TCPDUMP_PID=
kill -TERM "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true; COLLECTOR_PID=
SENT=$(( (LOOPS + LOOPS / 5 + 1) * 4096 ))
SUMMARY=$(cat "$WORK/collector.out")
CAPD=$((LOOPS * 4096))
echo "sent=$SENT (warm-up + measured; measured round $CAPD)"
echo "collector: $SUMMARY"
echo "collector capture threads, measured round: $(( (C1 - C0) / CAPD )) ns/packet (CPU $(( (C1 - C0) / 1000000 )) ms)"
TD=$(grep -E "captured|dropped by kernel" "$WORK/tcpdump.err" | tr '\n' ' ')
TCAP=$CAPD
echo "tcpdump: $TD"
echo "tcpdump, measured round: $(( (T1 - T0) / TCAP )) ns/packet (CPU $(( (T1 - T0) / 1000000 )) ms)"
