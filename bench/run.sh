#!/usr/bin/env bash
# bench/run.sh: spawnd against the reference servers that define its
# ceilings, on loopback, interleaved (A B A B ...), as ratios.
#
#   bench/run.sh [BUILD_DIR]        (make bench runs it with the build dir)
#
# Rows: hello (forked) vs forkserver, and the same with one client at a
# time (latency), time and daytime over TCP (inline) vs loopserver, time
# over UDP vs loopserver -U, catsock over a Unix socket vs forkserver -u,
# exec of a tiny program (bench/ref/tinyhello) vs tcpserver running the
# same program, hello behind HAProxy with send-proxy-v2 (proxy_protocol =
# v2) vs hello behind the same HAProxy without it (what reading the PROXY
# header costs), and, as context, the peers xinetd and tcpserver running
# tinyhello vs forkserver.  A service this spawnd does not know (spawnd -t
# rejects it), or a peer that is not installed, is skipped, and the
# table says so.  See bench/README.md.
#
# Environment (defaults in brackets):
#   SPAWND LOADGEN FORKSERVER LOOPSERVER TINYHELLO   the programs
#                     [from BUILD_DIR]; TCPSERVER, XINETD, HAPROXY [from PATH]
#   BENCH_SECONDS     seconds per run, decimals allowed [5]
#   BENCH_ROUNDS      runs of each server per row [3]
#   BENCH_CONC        concurrent clients [32]
#   BENCH_RSS_CONNS   hello connections of the memory run afterwards;
#                     0 skips it [100000]
#   BENCH_RSS_SECONDS time limit of the memory run [120]
#   BENCH_ROWS        rows to run, e.g. "hello time" [all]
#   BENCH_TMPDIR      where the work directory goes [$TMPDIR or /tmp]
#
# Exit status: 0 when everything ran (missed targets are reported in the
# table, not in the status); 1 when something failed to run.

# Functions called through wait_until and trap look unreachable to shellcheck.
# shellcheck disable=SC2317
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${BUILD_DIR:-$PWD}}
SPAWND=${SPAWND:-$build/src/spawnd}
LOADGEN=${LOADGEN:-$build/bench/loadgen}
FORKSERVER=${FORKSERVER:-$build/bench/ref/forkserver}
LOOPSERVER=${LOOPSERVER:-$build/bench/ref/loopserver}
TINYHELLO=${TINYHELLO:-$build/bench/ref/tinyhello}
TCPSERVER=${TCPSERVER:-$(command -v tcpserver || true)}
secs=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
conc=${BENCH_CONC:-32}
rss_conns=${BENCH_RSS_CONNS:-100000}
rss_secs=${BENCH_RSS_SECONDS:-120}
want_rows=${BENCH_ROWS:-hello hello1 time daytime timeudp catsock exec proxy xinetd tcpserver}
HAPROXY=${HAPROXY:-$(command -v haproxy || true)}
XINETD=${XINETD:-$(command -v xinetd || PATH=$PATH:/usr/sbin command -v xinetd || true)}

# How long start-up and shut-down may take, seconds.
WAIT_LIMIT=10

die() {
	echo "bench: $*" >&2
	exit 1
}

say() {
	echo "bench: $*" >&2
}

for v in rounds conc rss_conns rss_secs; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "$v=${!v} is not a whole number"
done
if ! [[ $secs =~ ^[0-9]*\.?[0-9]+$ ]] ||
    ! awk -v s="$secs" 'BEGIN { exit !(s >= 0.01) }'; then
	die "BENCH_SECONDS=$secs is not a number of seconds (0.01 or more)"
fi
(( rounds >= 1 && conc >= 1 )) ||
	die "BENCH_ROUNDS and BENCH_CONC must be at least 1"
for p in "$SPAWND" "$LOADGEN" "$FORKSERVER" "$LOOPSERVER" "$TINYHELLO"; do
	[[ -x $p ]] || die "$p is not an executable (make bench builds it; or set SPAWND, LOADGEN, FORKSERVER, LOOPSERVER)"
done
command -v python3 >/dev/null || die "python3 is needed to pick free ports"
[[ -r $top/tests/lib/free-ports.py ]] ||
	die "$top/tests/lib/free-ports.py is missing (it picks the free ports)"

dir=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/spawnd-bench.XXXXXX") || die "mktemp failed"
pids=()

# Stop what we started, by PID, newest first; SIGKILL after WAIT_LIMIT.
cleanup() {
	local i pid n
	for (( i = ${#pids[@]} - 1; i >= 0; i-- )); do
		pid=${pids[i]}
		kill -TERM "$pid" 2>/dev/null || continue
		for (( n = 0; n < WAIT_LIMIT * 20; n++ )); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- ports, processes, waiting

# free_ports N: N distinct ports free for TCP and UDP on loopback and the
# wildcard addresses, taken below the ephemeral range (no client socket
# can hold them), never the built-in configuration's, and reserved for ten
# minutes in the same per-user file the test helpers use: the finder is
# theirs (tests/lib/free-ports.py), so a benchmark and a parallel test run
# never pick the same port.
free_ports() {
	python3 "$top/tests/lib/free-ports.py" "${TMPDIR:-/tmp}" "$1" \
	    2345 2346 2347 2348 9000
}

# wait_until SECONDS COMMAND...: poll COMMAND every 50 ms until it succeeds.
wait_until() {
	local n=$(( $1 * 20 ))
	shift
	while (( n-- > 0 )); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

alive() { kill -0 "$1" 2>/dev/null; }

# listening tcp|udp|unix WHERE PID: PID's socket is bound at WHERE.
listening() {
	local lines
	case $1 in
	tcp) lines=$(ss -Hltnp "sport = :$2" 2>/dev/null) ;;
	udp) lines=$(ss -Hlunp "sport = :$2" 2>/dev/null) ;;
	unix) [[ -S $2 ]] || return 1; lines=$(ss -Hlxp src "$2" 2>/dev/null) ;;
	esac
	[[ $lines == *"pid=$3,"* ]]
}

# start_ref NAME KIND WHERE PROGRAM ARG...: start a reference server and
# wait until it listens; sets REF_PID.
start_ref() {
	local name=$1 kind=$2 where=$3
	shift 3
	"$@" </dev/null >"$dir/$name.log" 2>&1 3>&- &
	REF_PID=$!
	pids+=("$REF_PID")
	wait_until "$WAIT_LIMIT" listening "$kind" "$where" "$REF_PID" && return 0
	cat "$dir/$name.log" >&2
	die "$name did not start listening on $where"
}

# bind_now PROGRAM: "BIND_NOW" or "lazy" (what a forked child pays for).
bind_now() {
	if ! command -v readelf >/dev/null; then
		echo "unknown"
	elif readelf -d "$1" 2>/dev/null | grep -q 'BIND_NOW\|FLAGS_1.*NOW'; then
		echo "BIND_NOW"
	else
		echo "lazy"
	fi
}

rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# Polled by wait_until: counted anew at each try.
no_zombies() { (( $(zombies_of "$spawnd_pid") == 0 )); }

zombies_of() {
	# shellcheck disable=SC2009	# pgrep cannot select by state everywhere
	ps --ppid "$1" -o stat= 2>/dev/null | grep -c '^Z'
}

# ---- the configuration

# Global settings of every configuration written here.
conf_globals() {
	printf 'pidfile = "%s"\n' "$dir/spawnd.pid"
	printf 'log_target = "stderr"\n'
	printf 'resolve_names = false\n'
	[[ -r $top/etc/fortunes ]] &&
		printf 'fortune_file = "%s"\n' "$top/etc/fortunes"
	return 0
}

# conf_service ROW: the service section a row needs.
conf_service() {
	case $1 in
	hello)   printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$port_hello" ;;
	time)    printf 'service time {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$port_time" ;;
	daytime) printf 'service daytime {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$port_daytime" ;;
	timeudp) printf 'service timeudp {\n\ttype = "time"\n\tlisten_datagram = {"127.0.0.1:%s"}\n' "$port_timeudp" ;;
	catsock) printf 'service catsock {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n' "$dir/catsock" ;;
	exec)    printf 'service exec {\n\ttype = "exec"\n\texec = "%s"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$dir/pub/tinyhello" "$port_exec" ;;
	# The plain side of this row is the hello row's service.
	proxy)   printf 'service hellopp {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$port_pp"
		 printf '\tproxy_protocol = "v2"\n\tproxy_from = {"127.0.0.1"}\n' ;;
	# hello1 uses the hello service; the peers are not spawnd's.
	*)	 return 0 ;;
	esac
	printf '\tlog_connections = false\n}\n'
}

# Keep the rows whose service this spawnd accepts ("spawnd -t"); hello
# is required.
check_rows() {
	local row out
	rows=()
	for row in $want_rows; do
		{ conf_globals; conf_service "$row"; } >"$dir/check-$row.conf"
		if [[ ($row == exec || $row == tcpserver) && ! -x $TCPSERVER ]]; then
			skipped[$row]="no peer: tcpserver (ucspi-tcp) is not installed"
			say "$row: skipped: ${skipped[$row]}"
		elif [[ $row == xinetd && ! -x $XINETD ]]; then
			skipped[$row]="no peer: xinetd is not installed"
			say "$row: skipped: ${skipped[$row]}"
		elif [[ $row == proxy && ! -x $HAPROXY ]]; then
			skipped[$row]="no load balancer: haproxy is not installed"
			say "$row: skipped: ${skipped[$row]}"
		elif [[ $row == hello1 ]] || row_peer "$row"; then
			rows+=("$row")	# hello's service, or not spawnd's at all
		elif out=$("$SPAWND" -t -c "$dir/check-$row.conf" 2>&1); then
			rows+=("$row")
		else
			skipped[$row]=${out%%$'\n'*}
			[[ $row == hello ]] &&
				die "spawnd -t rejects the hello service: $out"
			say "$row: skipped: service not available (${skipped[$row]})"
		fi
	done
}

start_spawnd() {
	local row
	{
		conf_globals
		for row in "${rows[@]}"; do
			conf_service "$row"
		done
		# The proxy and hello1 rows use the hello service too.
		need_hello && [[ " ${rows[*]} " != *" hello "* ]] &&
			conf_service hello
	} >"$dir/spawnd.conf"
	"$SPAWND" -f -c "$dir/spawnd.conf" </dev/null >"$dir/spawnd.out" \
	    2>"$dir/spawnd.log" 3>&- &
	spawnd_pid=$!
	pids+=("$spawnd_pid")
	wait_until "$WAIT_LIMIT" spawnd_ready && alive "$spawnd_pid" && return 0
	cat "$dir/spawnd.log" >&2
	die "spawnd did not start"
}

# Rows that talk to the hello service or to the fork ceiling on its port.
need_hello() { (( rss_conns > 0 )) || [[ " ${rows[*]} " == *" "@(proxy|hello1)" "* ]]; }
need_forkserver() { [[ " ${rows[*]} " == *" "@(hello|hello1|xinetd|tcpserver)" "* ]]; }

spawnd_ready() {
	[[ -s $dir/spawnd.pid && $(<"$dir/spawnd.pid") == "$spawnd_pid" ]] ||
		! alive "$spawnd_pid"
}

# ---- one row

# Per row: how loadgen reaches each side, and the least a reply can be.
# (The hello line is 59 bytes; daytime 26; a catsock reply is a line and
# a cookie.)
row_label() {
	case $1 in
	hello)   echo "hello (fork) vs forkserver" ;;
	time)    echo "time TCP (inline) vs loopserver" ;;
	daytime) echo "daytime TCP (inline) vs loopserver" ;;
	timeudp) echo "time UDP vs loopserver -U" ;;
	catsock) echo "catsock Unix vs forkserver -u" ;;
	exec)    echo "exec tinyhello vs tcpserver" ;;
	proxy)   echo "hello via HAProxy: send-proxy-v2 vs none" ;;
	hello1)  echo "hello, one client at a time, vs forkserver" ;;
	xinetd)  echo "peer: xinetd fork+exec tinyhello vs forkserver" ;;
	tcpserver) echo "peer: tcpserver fork+exec tinyhello vs forkserver" ;;
	esac
}

row_args() {	# row_args ROW spawnd|ref
	local s=$2
	case $1 in
	hello)   [[ $s == spawnd ]] && echo "-p $port_hello -e 40" || echo "-p $ref_hello -e 40" ;;
	time)    [[ $s == spawnd ]] && echo "-p $port_time -e 4" || echo "-p $ref_time -e 4" ;;
	daytime) [[ $s == spawnd ]] && echo "-p $port_daytime -e 26" || echo "-p $ref_daytime -e 26" ;;
	timeudp) [[ $s == spawnd ]] && echo "--udp -p $port_timeudp -e 4" || echo "--udp -p $ref_timeudp -e 4" ;;
	catsock) [[ $s == spawnd ]] && echo "-u $dir/catsock -e 20" || echo "-u $dir/ref.sock -e 20" ;;
	exec)    [[ $s == spawnd ]] && echo "-p $port_exec -e 27" || echo "-p $ref_exec -e 27" ;;
	proxy)   [[ $s == spawnd ]] && echo "-p $front_pp -e 40" || echo "-p $front_plain -e 40" ;;
	hello1)  [[ $s == spawnd ]] && echo "-c 1 -p $port_hello -e 40" || echo "-c 1 -p $ref_hello -e 40" ;;
	xinetd)  [[ $s == spawnd ]] && echo "-p $port_xinetd -e 27" || echo "-p $ref_hello -e 40" ;;
	tcpserver) [[ $s == spawnd ]] && echo "-p $port_tcppeer -e 27" || echo "-p $ref_hello -e 40" ;;
	esac
}

row_forks() { [[ $1 != time && $1 != daytime && $1 != timeudp ]]; }

# Peer rows: the first side is the peer, not spawnd.
row_peer() { [[ $1 == xinetd || $1 == tcpserver ]]; }

# start_xinetd: tinyhello as an xinetd service, without xinetd's own
# limits (cps is 50 a second by default, then 10 s off), logging to a file.
start_xinetd() {
	local user=
	(( EUID == 0 )) && user="user = nobody"
	cat >"$dir/xinetd.conf" <<-CFG
	defaults
	{
	    log_type = FILE $dir/xinetd.log
	    instances = UNLIMITED
	    per_source = UNLIMITED
	    cps = 1000000 1
	}
	service tinyhello
	{
	    type = UNLISTED
	    socket_type = stream
	    protocol = tcp
	    wait = no
	    $user
	    server = $dir/pub/tinyhello
	    port = $port_xinetd
	    bind = 127.0.0.1
	    flags = REUSE
	}
	CFG
	start_ref xinetd tcp "$port_xinetd" "$XINETD" -dontfork -stayalive \
	    -pidfile "$dir/xinetd.pid" -f "$dir/xinetd.conf"
}

# start_haproxy: two frontends, one to the proxied hello, one to the
# plain one; the same process, settings and path for both sides.
start_haproxy() {
	cat >"$dir/haproxy.cfg" <<-CFG
	global
	    maxconn 4096
	defaults
	    mode tcp
	    maxconn 4096
	    timeout connect 5s
	    timeout client 10s
	    timeout server 10s
	listen pp
	    bind 127.0.0.1:$front_pp
	    server s 127.0.0.1:$port_pp send-proxy-v2
	listen plain
	    bind 127.0.0.1:$front_plain
	    server s 127.0.0.1:$port_hello
	CFG
	start_ref haproxy tcp "$front_pp" "$HAPROXY" -db -f "$dir/haproxy.cfg"
	wait_until "$WAIT_LIMIT" listening tcp "$front_plain" "$REF_PID" ||
		die "haproxy is not listening on $front_plain"
}

# sample_zombies PID: the zombies of PID, one count a line, every 0.1 s
# until killed.
sample_zombies() {
	while :; do
		zombies_of "$1"
		sleep 0.1
	done
}

# run_load ROW SIDE: one loadgen run; appends its line to $dir/ROW.SIDE.
# For forking rows the server's zombies are sampled all along
# ($dir/ROW.SIDE.z); spawnd's most at once goes to peak_zombies.
run_load() {
	local row=$1 side=$2 line lg sampler='' z
	# shellcheck disable=SC2046
	"$LOADGEN" --quiet -c "$conc" -d "$secs" $(row_args "$row" "$side") \
	    >"$dir/last.out" 2>"$dir/last.err" &
	lg=$!
	if row_forks "$row" && [[ -n ${server_pid[$row.$side]:-} ]]; then
		sample_zombies "${server_pid[$row.$side]}" >>"$dir/$row.$side.z" &
		sampler=$!
	fi
	if ! wait "$lg"; then
		cat "$dir/last.err" >&2
		die "loadgen failed on $row ($side)"
	fi
	if [[ -n $sampler ]]; then
		kill "$sampler" 2>/dev/null
		wait "$sampler" 2>/dev/null
		if [[ $side == spawnd ]] && ! row_peer "$row"; then
			z=$(sort -n "$dir/$row.$side.z" | tail -n 1)
			(( ${z:-0} > peak_zombies )) && peak_zombies=$z
		fi
	fi
	line=$(<"$dir/last.out")
	echo "$line" >>"$dir/$row.$side"
	say "$row $side: $line"
}

# zombies_mean ROW SIDE: the mean of the samples, "-" without any.
zombies_mean() {
	[[ -s $dir/$1.$2.z ]] || { echo "-"; return; }
	awk '{ s += $1; n++ } END { printf "%.1f\n", s / n }' "$dir/$1.$2.z"
}

# field KEY LINE: the number after KEY= in a loadgen line ("-" if none).
field() {
	local re="(^| )$1=([0-9.]+)"
	[[ $2 =~ $re ]] && echo "${BASH_REMATCH[2]}" || echo "-"
}

# median KEY FILE: the median of KEY over the runs in FILE.
median() {
	local line
	while read -r line; do
		field "$1" "$line"
	done <"$2" | grep -v '^-$' | sort -g |
	    awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
		else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

total() {
	local line n=0
	while read -r line; do
		n=$(( n + $(field "$1" "$line") ))
	done <"$2"
	echo "$n"
}

# num FORMAT X: printf X unless it is "-".
num() {
	awk -v f="$1" -v x="$2" 'BEGIN { if (x == "-") print "-"; else printf f "\n", x }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-";
		else printf "%.2f\n", a / b }'
}

# at_least X MIN / at_most X MAX, for ratios ("-" fails).
at_least() { awk -v x="$1" -v m="$2" 'BEGIN { exit !(x != "-" && x + 0 >= m) }'; }
at_most() { awk -v x="$1" -v m="$2" 'BEGIN { exit !(x != "-" && x + 0 <= m) }'; }

# rate_target MIN: for row_target, whose row and rr it sees: the target
# "rate>=MINx", missed below it.
rate_target() {
	target="rate>=${1}x"
	if ! at_least "$rr" "$1"; then
		target+=" MISSED"
		misses+=("$row ratio")
	fi
}

# row_target ROW RATE_RATIO P50_RATIO P99_RATIO ERRORS: the target column
# of a row into $target; misses go to $misses (no subshell, or they would
# be lost).
row_target() {
	local row=$1 rr=$2 mr=$3 pr=$4 errs=$5
	case $row in
	hello)
		target="rate>=0.95x p99<=1.10x"
		if ! at_least "$rr" 0.95 || ! at_most "$pr" 1.10; then
			target+=" MISSED"
			misses+=("$row ratios")
		fi ;;
	hello1)
		target="p50<=1.15x"
		if ! at_most "$mr" 1.15; then
			target+=" MISSED"
			misses+=("$row p50 ratio")
		fi ;;
	catsock)	rate_target 0.90 ;;
	timeudp|exec)	rate_target 1.00 ;;
	proxy)		rate_target 0.95 ;;
	daytime)	rate_target 0.70 ;;
	time)
		# The 4-byte answer may cost no more than the date line does.
		rate_target 0.70
		if [[ $target != *MISSED ]]; then
			target+=" and >= daytime's"
			if [[ -n ${daytime_ratio:-} ]] &&
			    ! at_least "$rr" "$daytime_ratio"; then
				target+=" MISSED"
				misses+=("$row ratio below daytime's")
			fi
		fi ;;
	*)	target="(context)" ;;
	esac
	if (( errs > 0 )); then
		target+=" errors!"
		misses+=("$row errors")
	fi
}

print_table() {
	local row sr sp50 sp99 rr rp50 rp99 se re rrat mrat prat target
	printf '\n%s rounds x %s s, %s concurrent clients (hello1: 1), medians over rounds; %s\n\n' \
	    "$rounds" "$secs" "$conc" "$("$SPAWND" -V 2>/dev/null | head -n 1)"
	printf '| row | server rate/s | p50 ms | p99 ms | ref rate/s | p50 ms | p99 ms | rate ratio | p50 ratio | p99 ratio | zombies mean server/ref | errors server/ref | target |\n'
	printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
	# time is held to daytime's ratio (row_target).
	daytime_ratio=
	[[ -s $dir/daytime.spawnd && -s $dir/daytime.ref ]] &&
		daytime_ratio=$(ratio "$(median rate "$dir/daytime.spawnd")" \
		    "$(median rate "$dir/daytime.ref")")
	for row in $want_rows; do
		if [[ -n ${skipped[$row]:-} ]]; then
			printf '| %s | skipped: %s ||||||||||||\n' "$(row_label "$row")" \
			    "${skipped[$row]}"
			continue
		fi
		sr=$(median rate "$dir/$row.spawnd");  rr=$(median rate "$dir/$row.ref")
		sp50=$(median p50 "$dir/$row.spawnd"); rp50=$(median p50 "$dir/$row.ref")
		sp99=$(median p99 "$dir/$row.spawnd"); rp99=$(median p99 "$dir/$row.ref")
		se=$(total errors "$dir/$row.spawnd"); re=$(total errors "$dir/$row.ref")
		rrat=$(ratio "$sr" "$rr"); prat=$(ratio "$sp99" "$rp99")
		mrat=$(ratio "$sp50" "$rp50")
		row_target "$row" "$rrat" "$mrat" "$prat" "$se"
		printf '| %s | %s | %s | %s | %s | %s | %s | %sx | %sx | %sx | %s/%s | %s/%s | %s |\n' \
		    "$(row_label "$row")" "$(num %.0f "$sr")" "$(num %.2f "$sp50")" \
		    "$(num %.2f "$sp99")" "$(num %.0f "$rr")" "$(num %.2f "$rp50")" \
		    "$(num %.2f "$rp99")" \
		    "$rrat" "$mrat" "$prat" "$(zombies_mean "$row" spawnd)" \
		    "$(zombies_mean "$row" ref)" "$se" "$re" "$target"
	done
}

# ---- main

declare -A skipped=() server_pid=()
rows=()
misses=()
peak_zombies=0
read -r port_hello port_time port_daytime port_timeudp port_exec ref_hello \
    ref_time ref_daytime ref_timeudp ref_exec port_pp front_pp front_plain \
    port_xinetd port_tcppeer <<<"$(free_ports 15)" || die "no free ports"
[[ -n $port_tcppeer ]] || die "no free ports"
# The exec row's program, where the service's user (nobody, as root) and
# tcpserver's (the same) can run it.
{ mkdir -p "$dir/pub" && chmod 755 "$dir" "$dir/pub" &&
	cp "$TINYHELLO" "$dir/pub/tinyhello" && chmod 755 "$dir/pub/tinyhello"; } ||
	die "cannot copy $TINYHELLO"
if (( EUID == 0 )); then
	tcpserver_ids=(-u "$(id -u nobody)" -g "$(id -g nobody)")
else
	tcpserver_ids=()
fi

check_rows
start_spawnd
rss_start=$(rss_kib "$spawnd_pid")
if need_forkserver; then
	start_ref forkserver tcp "$ref_hello" "$FORKSERVER" -p "$ref_hello"
	forkserver_pid=$REF_PID
fi
for row in "${rows[@]}"; do
	# Whose zombies run_load samples: the first side's and the reference's.
	row_peer "$row" || server_pid[$row.spawnd]=$spawnd_pid
	case $row in
	hello|hello1|xinetd|tcpserver) server_pid[$row.ref]=$forkserver_pid ;;
	esac
	case $row in
	time)    start_ref loop-time tcp "$ref_time" "$LOOPSERVER" -m time -p "$ref_time" ;;
	daytime) start_ref loop-daytime tcp "$ref_daytime" "$LOOPSERVER" -m daytime -p "$ref_daytime" ;;
	timeudp) start_ref loop-udp udp "$ref_timeudp" "$LOOPSERVER" -U -m time -p "$ref_timeudp" ;;
	catsock) start_ref forkserver-unix unix "$dir/ref.sock" "$FORKSERVER" -u "$dir/ref.sock"
	         server_pid[$row.ref]=$REF_PID ;;
	# -H -R -l 0: no DNS, no ident, as spawnd's resolve_names = false;
	# -c: the same concurrency as spawnd's max_instances.
	exec)    start_ref tcpserver tcp "$ref_exec" "$TCPSERVER" -H -R -l 0 \
	             -c 64 "${tcpserver_ids[@]}" 127.0.0.1 "$ref_exec" "$dir/pub/tinyhello"
	         server_pid[$row.ref]=$REF_PID ;;
	proxy)   start_haproxy ;;
	xinetd)  start_xinetd
	         server_pid[$row.spawnd]=$REF_PID ;;
	tcpserver) start_ref tcpserver-peer tcp "$port_tcppeer" "$TCPSERVER" -H -R \
	             -l 0 -c 64 "${tcpserver_ids[@]}" 127.0.0.1 "$port_tcppeer" \
	             "$dir/pub/tinyhello"
	         server_pid[$row.spawnd]=$REF_PID ;;
	esac
done
# The pidfile already says every listener is bound; this names a missing one.
for row in "${rows[@]}"; do
	case $row in
	hello)   set -- tcp "$port_hello" ;;
	time)    set -- tcp "$port_time" ;;
	daytime) set -- tcp "$port_daytime" ;;
	timeudp) set -- udp "$port_timeudp" ;;
	catsock) set -- unix "$dir/catsock" ;;
	exec)    set -- tcp "$port_exec" ;;
	proxy)   set -- tcp "$port_pp" ;;
	*)	 continue ;;	# hello1 is hello's; the peers are not spawnd
	esac
	wait_until "$WAIT_LIMIT" listening "$1" "$2" "$spawnd_pid" ||
		die "spawnd is not listening on $1 $2 for $row"
done

say "spawnd PID $spawnd_pid, rows: ${rows[*]}; $rounds rounds x $secs s x 2 per row"
# A B, then B A: a machine that slows down or speeds up during a round
# favours neither side.
for (( r = 1; r <= rounds; r++ )); do
	for row in "${rows[@]}"; do
		if (( r % 2 )); then
			run_load "$row" spawnd
			run_load "$row" ref
		else
			run_load "$row" ref
			run_load "$row" spawnd
		fi
	done
	alive "$spawnd_pid" || die "spawnd exited during the load; log: $(tail -n 20 "$dir/spawnd.log")"
done

# The reaper has had its chance once the load stops: none may be left.
wait_until 2 no_zombies
zombies_after=$(zombies_of "$spawnd_pid")
rss_rounds=$(rss_kib "$spawnd_pid")
rss_line="parent RSS (VmRSS): ${rss_start} KiB at start, ${rss_rounds} KiB after the rounds"
if (( rss_conns > 0 )); then
	say "memory run: up to $rss_conns hello connections, at most $rss_secs s"
	"$LOADGEN" --quiet -c "$conc" -n "$rss_conns" -d "$rss_secs" \
	    -p "$port_hello" -e 40 >"$dir/rss.out" 2>"$dir/rss.err" ||
		die "loadgen failed on the memory run: $(cat "$dir/rss.err")"
	say "memory run: $(<"$dir/rss.out")"
	rss_end=$(rss_kib "$spawnd_pid")
	done_conns=$(field conns "$(<"$dir/rss.out")")
	rss_line+=", ${rss_end} KiB after $done_conns more"
	(( rss_end < 4096 )) || misses+=("RSS ${rss_end} KiB >= 4 MiB")
	(( done_conns >= rss_conns )) ||
		misses+=("memory run: only $done_conns of $rss_conns connections in ${rss_secs}s")
	rss_errs=$(field errors "$(<"$dir/rss.out")")
	(( rss_errs == 0 )) || misses+=("memory run errors: $rss_errs")
	wait_until 2 no_zombies
	z=$(zombies_of "$spawnd_pid")
	(( z > zombies_after )) && zombies_after=$z
fi
(( zombies_after == 0 )) || misses+=("zombies left: $zombies_after")

print_table
echo
echo "zombies: $zombies_after left 2 s after the load (target 0); $peak_zombies at most at once during a forking run (sampled every 0.1 s)"
echo "$rss_line (target < 4096 KiB, no growth)"
echo "binding: spawnd $(bind_now "$SPAWND"), forkserver $(bind_now "$FORKSERVER") (lazy binding costs a forked child ~10%)"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)"
if (( ${#misses[@]} == 0 )); then
	echo "targets: all met"
else
	local_list=$(IFS=';'; echo "${misses[*]}")
	echo "targets missed: ${local_list//;/; }"
fi
exit 0
