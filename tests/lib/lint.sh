#!/usr/bin/env bash
# lint.sh SRCDIR [CPPFLAG...]: what "make lint" runs (HACKING.md).
# cppcheck over the C (src/, the unit tests and fuzz harnesses, the
# bench) with the build's own definitions and include paths (make
# passes them), and shellcheck over every shell file: the test helpers,
# the bats files, dev, .ci/run, the bench's and fuzzer's scripts, the
# package's.  One check per tool and group of files: "ok - WHAT" or
# "not ok - WHAT" and the findings, then "N passed, N failed" last, as
# .ci/run's passes end.  Any finding fails: exit 1.
set -uo pipefail

top=${1:?usage: lint.sh SRCDIR [CPPFLAG...]}
shift
cppflags=("$@")
passed=0
failed=0

# check WHAT COMMAND...: run it; ok when it exits 0 and prints nothing.
check() {
	local what=$1 out rc=0 lines
	shift
	out=$("$@" 2>&1) || rc=$?
	if [[ $rc -eq 0 && -z $out ]]; then
		echo "ok - $what"
		passed=$((passed + 1))
	else
		echo "not ok - $what"
		if [[ -n $out ]]; then
			mapfile -t lines <<<"$out"
			printf '#   %s\n' "${lines[@]}"
		fi
		failed=$((failed + 1))
	fi
}

# A tool that is missing fails its checks: CI must not pass by not looking.
need() {
	command -v "$1" >/dev/null && return 0
	echo "not ok - $1 is not installed (./dev test installs it)"
	failed=$((failed + 1))
	return 1
}

# Inline suppressions (cppcheck-suppress) each say why, beside them.
cppcheck_on() {
	cppcheck -q --error-exitcode=1 --inline-suppr --std=c11 \
	    --enable=warning,performance,portability \
	    --template='{file}:{line}: {severity}: {message} [{id}]' \
	    "${cppflags[@]}" -I"$top/src" "$@"
}

if need cppcheck; then
	check "cppcheck src/" cppcheck_on "$top/src"
	check "cppcheck tests/unit tests/fuzz" \
	    cppcheck_on "$top/tests/unit" "$top/tests/fuzz"
	check "cppcheck bench/" cppcheck_on "$top/bench"
fi

if need shellcheck; then
	check "shellcheck tests/lib" shellcheck -f gcc \
	    "$top"/tests/lib/*.bash "$top"/tests/lib/*.sh
	# In bats mode every @test runs in a subshell of its own, so a
	# variable one test sets is meant to stay its own: SC2030 and
	# SC2031 say exactly that of every such variable.
	check "shellcheck tests/*.bats" shellcheck -f gcc -e SC2030,SC2031 \
	    "$top"/tests/*.bats
	check "shellcheck dev .ci/run bench tests/fuzz" shellcheck -f gcc \
	    "$top/dev" "$top/.ci/run" "$top"/bench/*.sh "$top/tests/fuzz/run.sh"
	# A release tarball (make dist) carries no debian/.
	[[ ! -d $top/debian ]] ||
	check "shellcheck debian" shellcheck -f gcc \
	    "$top/debian/tests/services" "$top"/debian/spawnd.preinst \
	    "$top"/debian/spawnd.postinst "$top"/debian/spawnd.postrm
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
