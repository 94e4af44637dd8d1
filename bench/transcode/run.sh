#!/bin/sh
# The transcode figures of docs/transcode.md: one 720p25 ladder (480p + 360p) through the server, then the same
# ffmpeg command bare, 30 s each, CPU from /proc. Needs a built distribution (D), the folder of the bundled ffmpeg
# (F, e.g. the JavaCPP cache's .../org/bytedeco/ffmpeg/linux-x86_64) and a 720p FLV clip (/tmp/src720.flv, see docs).
set -e
D=${D:-distribution/target/osprey}
F=${F:?set F to the folder of the bundled ffmpeg}
mkdir -p /tmp/tcbench
HP=18931; RP=19351
cpu() { awk '{print $14+$15}' /proc/$1/stat; }   # utime+stime, clock ticks
rm -rf /tmp/tcbench/data
$D/bin/osprey --set server.http.port=$HP --set plugins.rtmp-ingest.port=$RP --set server.dataDir=/tmp/tcbench/data \
  --set 'plugins.transcode.ladders.live=[{name: 480p, height: 480, videoKbps: 1200, audioKbps: 96}, {name: 360p, height: 360, videoKbps: 700, audioKbps: 64}]' \
  --set plugins.fmp4-recorder.enabled=false --set server.admin.token=bench-token-0123456789abcdef > /tmp/tcbench/server.log 2>&1 &
SRV=$!
for i in $(seq 1 120); do grep -q "ready .* after JVM start" /tmp/tcbench/server.log && break; sleep 1; done
JPID=$(pgrep -P $SRV java || echo $SRV)
LD_LIBRARY_PATH=$F $F/ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i /tmp/src720.flv -c copy -f flv rtmp://127.0.0.1:$RP/live/cam &
PUB=$!
sleep 5
curl -s -o /dev/null --max-time 75 http://127.0.0.1:$HP/live/cam.flv &
sleep 5
uptime
A0=$(cpu $JPID); sleep 30; A1=$(cpu $JPID)
echo "JVM without ladder: $(( A1 - A0 )) ticks in 30 s"
curl -s -o /dev/null --max-time 60 http://127.0.0.1:$HP/live/cam_480p.flv &
sleep 10
W=$(pgrep -P $JPID -f "pipe:0" | head -1)
uptime
B0=$(cpu $JPID); W0=$(cpu $W); sleep 30; B1=$(cpu $JPID); W1=$(cpu $W)
echo "JVM with ladder: $(( B1 - B0 )) ticks in 30 s; worker: $(( W1 - W0 )) ticks in 30 s (ticks/s: $(getconf CLK_TCK))"
curl -s -H "Authorization: Bearer bench-token-0123456789abcdef" http://127.0.0.1:$HP/api/transcode; echo
python3 "$(dirname "$0")/flvlat.py" http://127.0.0.1:$HP/live/cam.flv http://127.0.0.1:$HP/live/cam_480p.flv 15
uptime
kill $PUB; kill $SRV; wait $SRV 2>/dev/null || true
# bare ffmpeg, same command at realtime pace, 30 s
( LD_LIBRARY_PATH=$F timeout 50 $F/ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i /tmp/src720.flv -c copy -f flv pipe:1 | \
 LD_LIBRARY_PATH=$F timeout 50 $F/ffmpeg -hide_banner -loglevel error -probesize 65536 -analyzeduration 500000 -f flv -i pipe:0 -copyts -filter_complex "[0:v:0]split=2[s0][s1];[s0]scale=-2:480,format=yuv420p[v0];[s1]scale=-2:360,format=yuv420p[v1]" -map "[v0]" -c:v:0 libopenh264 -b:v:0 1200k -maxrate:v:0 1200k -bufsize:v:0 1200k -map "[v1]" -c:v:1 libopenh264 -b:v:1 700k -maxrate:v:1 700k -bufsize:v:1 700k -force_key_frames source -g 600 -rc_mode bitrate -map 0:a:0 -c:a copy -flush_packets 1 -flvflags no_duration_filesize -f flv pipe:1 > /dev/null ) &
BARE=$!
sleep 10
BW=$(pgrep -f "ffmpeg.*pipe:0.*-rc_mode bitrate" | while read p; do grep -q "timeout" /proc/$(awk '{print $4}' /proc/$p/stat)/cmdline 2>/dev/null && echo $p; done | head -1)
uptime
C0=$(cpu $BW); sleep 30; C1=$(cpu $BW)
echo "bare ffmpeg ladder (pid $BW): $(( C1 - C0 )) ticks in 30 s"
wait $BARE || true
