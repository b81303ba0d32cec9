#!/bin/sh
# Build the fuzz harnesses with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, and run each for a bounded time ("make
# fuzz" calls this).
#
#   tests/fuzz/run.sh [HARNESS...]      (default: every tests/fuzz/fuzz_*.c)
#
# Environment:
#   FUZZ_SECONDS   seconds per harness (default 60)
#   FUZZ_BUILD     work directory: objects, binaries, the growing corpus,
#                  logs and crash files (default ./fuzz-build)
#   FUZZ_CC        the compiler (default clang)
#   FUZZ_ARGS      extra libFuzzer options (e.g. -jobs=2)
#
# Each harness starts from the kept inputs in tests/fuzz/corpus/NAME/
# (read only) plus what earlier runs found in $FUZZ_BUILD/corpus/NAME/.
# An input that breaks an invariant or trips a sanitizer is saved as
# $FUZZ_BUILD/crash-NAME-*; fix the bug, then keep the input in
# tests/fuzz/corpus/NAME/ so that make check replays it from then on.
# Prints one summary line per harness (executions per second, coverage
# and features as libFuzzer counts them); exits 1 if any harness found
# something, 77 (skipped) without clang.

# The -D values in $cflags carry their C string quotes into the
# compiler's argv: the word splitting of $cflags is meant.
# shellcheck disable=SC2089,SC2090
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD:-$PWD/fuzz-build}
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: $cc not found: fuzzing needs clang with libFuzzer" >&2
	exit 77
fi
mkdir -p "$build/obj"

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -std=c11 -D_GNU_SOURCE -pthread -fno-omit-frame-pointer $san
	-I$top/src $(pkg-config --cflags libconfuse)
	-DSYSCONFDIR=\"/etc\" -DRUNSTATEDIR=\"/run\"
	-DPKGDATADIR=\"/usr/share/spawnd\" -DPACKAGE_VERSION=\"fuzz\""
libs="$(pkg-config --libs libconfuse)"

# The daemon's code, everything but main(), instrumented for coverage.
objs=
for src in "$top"/src/*/*.c; do
	# spawnd-migrate's main(): the harness has its own.
	[ "$src" = "$top/src/migrate/main.c" ] && continue
	# One object per file, named by its folder too (src/ is by role).
	obj=$src
	obj=${obj#"$top"/src/}
	obj=$build/obj/${obj%.c}.o
	mkdir -p "${obj%/*}"
	# shellcheck disable=SC2086 # cflags is a word list
	$cc $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
	objs="$objs $obj"
done

if [ $# -eq 0 ]; then
	for h in "$here"/fuzz_*.c; do
		name=${h##*/fuzz_}
		set -- "$@" "${name%.c}"
	done
fi

found=0
for name in "$@"; do
	bin=$build/fuzz_$name
	log=$build/$name.log
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer "$here/fuzz_$name.c" $objs $libs -o "$bin"
	mkdir -p "$build/corpus/$name" "$here/corpus/$name"
	dict=
	[ -f "$here/$name.dict" ] && dict=-dict=$here/$name.dict
	rc=0
	# shellcheck disable=SC2086 # dict and FUZZ_ARGS are word lists
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$build/crash-$name-" \
	    $dict ${FUZZ_ARGS:-} \
	    "$build/corpus/$name" "$here/corpus/$name" >"$log" 2>&1 || rc=$?
	# The last status line: "#N DONE cov: C ft: F corp: ... exec/s: E ..."
	stats=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	echo "fuzz $name: ${execs:-?} runs in ${seconds}s, ${rate:-?} exec/s;" \
	    "$(echo "$stats" | grep -oE '(cov|ft|corp): [^ ]+' | tr '\n' ' ')"
	if [ $rc -ne 0 ]; then
		found=1
		echo "fuzz $name: FOUND SOMETHING (exit $rc); see $log:" >&2
		grep -E 'ERROR|invariant broken|runtime error|SUMMARY|Test unit written' \
		    "$log" | head -n 20 >&2
	fi
done
exit $found
