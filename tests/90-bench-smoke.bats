#!/usr/bin/env bats
# The benchmark (bench/run.sh, issue 7) runs end to end and prints its
# table: a smoke test only.  Nothing here depends on how fast anything
# is; the numbers belong to `make bench`, not to `make check`.

load lib/helpers

bench_programs() {
	LOADGEN=$TOP_BUILDDIR/bench/loadgen
	FORKSERVER=$TOP_BUILDDIR/bench/ref/forkserver
	LOOPSERVER=$TOP_BUILDDIR/bench/ref/loopserver
	local p
	for p in "$LOADGEN" "$FORKSERVER" "$LOOPSERVER"; do
		[[ -x $p ]] || skip "$p not built"
	done
	export SPAWND LOADGEN FORKSERVER LOOPSERVER
}

@test "bench/run.sh: a short run prints the table (one client at a time, zombies, peers), the zombie and RSS lines, and stops what it started" {
	bench_programs
	run env BENCH_SECONDS=0.2 BENCH_ROUNDS=1 BENCH_CONC=4 BENCH_RSS_CONNS=0 \
	    BENCH_TMPDIR="$BATS_TEST_TMPDIR" \
	    timeout 120 "$TOP_SRCDIR/bench/run.sh" "$TOP_BUILDDIR"
	assert_status 0
	assert_output_has '| row | server rate/s |'
	# hello is always measured: a rate on both sides and the ratios, and
	# the zombies sampled on both sides (the reference's kernel reaps).
	assert_output_re '\| hello \(fork\) vs forkserver \| [0-9]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+x \| [0-9.]+x \| [0-9.]+x \| [0-9.]+/[0-9.]+ \|'
	assert_output_re '\| hello, one client at a time, vs forkserver \| [0-9]+ \| [0-9.]+ \|'
	local row
	for row in 'time TCP (inline)' 'daytime TCP (inline)' 'time UDP' 'catsock Unix' \
	    'peer: xinetd fork+exec tinyhello' 'peer: tcpserver fork+exec tinyhello'; do
		assert_output_re "\| $(re_quote "$row") vs [A-Za-z -]+ \| ([0-9]+ \||skipped: )"
	done
	assert_output_re 'zombies: [0-9]+ left'
	assert_output_re 'parent RSS \(VmRSS\): [0-9]+ KiB at start'
	assert_output_re 'targets( missed)?: '
	# Everything it started is gone: spawnd (named in its progress line)
	# and the reference servers (their sockets were in our temp dir).
	local pid
	pid=$(sed -n 's/^bench: spawnd PID \([0-9]*\),.*/\1/p' <<<"$output")
	[[ -n $pid ]] || fail "no 'spawnd PID' line in the output"
	! kill -0 "$pid" 2>/dev/null || fail "spawnd $pid still runs"
	! compgen -G "$BATS_TEST_TMPDIR/spawnd-bench.*" >/dev/null ||
	    fail "the work directory was left behind"
}

@test "bench/run.sh: BENCH_ROWS runs only the rows it names" {
	bench_programs
	run env BENCH_ROWS=time BENCH_SECONDS=0.2 BENCH_ROUNDS=1 BENCH_CONC=2 \
	    BENCH_RSS_CONNS=0 BENCH_TMPDIR="$BATS_TEST_TMPDIR" \
	    timeout 60 "$TOP_SRCDIR/bench/run.sh" "$TOP_BUILDDIR"
	assert_status 0
	assert_output_re '\| time TCP \(inline\) vs loopserver \| ([0-9]+ \||skipped: )'
	[[ $output != *"| hello (fork)"* ]] || fail "hello ran although not asked for"
}

@test "bench/run.sh: a missing program is an error, not a silent pass" {
	bench_programs
	run env LOADGEN="$BATS_TEST_TMPDIR/nonexistent" BENCH_TMPDIR="$BATS_TEST_TMPDIR" \
	    timeout 30 "$TOP_SRCDIR/bench/run.sh" "$TOP_BUILDDIR"
	assert_status 1
	assert_output_has 'is not an executable'
}

@test "loadgen refuses an address that is not loopback" {
	bench_programs
	run timeout 10 "$LOADGEN" -d 1 -h 192.0.2.1 -p 9
	assert_status 64
	assert_output_has 'only 127.0.0.0/8 and ::1'
}

@test "loadgen against a closed port: every connection is an error, and it ends on time" {
	bench_programs
	local port
	port=$(free_port)
	run timeout 20 "$LOADGEN" --quiet -c 2 -d 0.3 -p "$port"
	assert_status 0
	assert_output_re '^conns=0 errors=[1-9][0-9]* rate=0\.0/s p50=- p99=- max=- '
	assert_output_re ' refused=[1-9]'
}
