#!/usr/bin/env bats
#
# The source tree keeps the shape HACKING.md describes: src/ in folders
# by role, every file opening with what it is for, every .c with its own
# header (the programs' main.c and the service types aside), headers
# that stand on their own, files under 400 lines, no cycle in the calls between
# files and no call from a folder to a later one in HACKING.md's line of
# layers (read from the built objects with nm), and HACKING.md's map naming
# every source file where it is.

load lib/helpers

setup() { :; }
teardown() { :; }

src_files() {
	(cd "$TOP_SRCDIR/src" && find . -name '*.[ch]' | sed 's|^\./||' | sort)
}

# A service type's file: it defines its entry of the service table.
is_service_type() {
	grep -q '^const struct service svc_' "$TOP_SRCDIR/src/$1"
}

@test "src/ is in folders by role; only main.c sits at the top" {
	local top dirs
	top=$(cd "$TOP_SRCDIR/src" && find . -maxdepth 1 -type f -name '*.[ch]' | sort)
	[[ $top == "./main.c" ]] || fail "files at the top of src/: $top"
	dirs=$(cd "$TOP_SRCDIR/src" && find . -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ' ')
	[[ $dirs == "./base ./board ./child ./config ./daemon ./handover ./migrate ./net ./parent ./reload ./services ./systemd " ]] ||
	    fail "src/ folders changed: $dirs (update HACKING.md and this test)"
	for d in base board child config daemon handover migrate net parent reload services systemd; do
		grep -q "src/$d/" "$TOP_SRCDIR/HACKING.md" ||
		    fail "HACKING.md does not describe src/$d/"
		grep -q "src/$d/" "$TOP_SRCDIR/README.md" ||
		    fail "README.md's \"Where things are\" does not name src/$d/"
	done
}

@test "every .c has its own .h (the main.c files and the service types aside), every .h its .c" {
	local f missing=() orphans=()
	while read -r f; do
		case $f in
		main.c|migrate/main.c) continue ;;
		*.c)	is_service_type "$f" && continue
			[[ -f $TOP_SRCDIR/src/${f%.c}.h ]] || missing+=("$f") ;;
		*.h)	[[ -f $TOP_SRCDIR/src/${f%.h}.c ]] || orphans+=("$f") ;;
		esac
	done < <(src_files)
	(( ${#missing[@]} == 0 )) || fail "no header: ${missing[*]}"
	(( ${#orphans[@]} == 0 )) || fail "a header without its .c: ${orphans[*]}"
}

@test "every source file opens with a comment and has at most 400 lines" {
	local f n long=() bare=()
	while read -r f; do
		n=$(wc -l <"$TOP_SRCDIR/src/$f")
		(( n <= 400 )) || long+=("$f:$n")
		[[ $(head -n 1 "$TOP_SRCDIR/src/$f") == "/*" ]] || bare+=("$f")
	done < <(src_files)
	(( ${#long[@]} == 0 )) || fail "longer than 400 lines: ${long[*]}"
	(( ${#bare[@]} == 0 )) || fail "no opening comment: ${bare[*]}"
}

@test "every header compiles on its own and has its include guard" {
	local f guard cc=${CC:-cc} failed=()
	command -v "$cc" >/dev/null || skip "no C compiler"
	while read -r f; do
		[[ $f == *.h ]] || continue
		guard=SPAWND_$(tr 'a-z/.' 'A-Z__' <<<"$f")
		grep -q "^#ifndef $guard\$" "$TOP_SRCDIR/src/$f" ||
		    failed+=("$f: guard is not $guard")
		# shellcheck disable=SC2046 # pkg-config's flags: one word each
		printf '#include "%s"\n#include "%s"\n' "$f" "$f" |
		    "$cc" -std=c11 -D_GNU_SOURCE -DSYSCONFDIR='"/etc"' \
		    $(pkg-config --cflags libconfuse 2>/dev/null) \
		    -I"$TOP_SRCDIR/src" -fsyntax-only -x c - 2>"$BATS_TEST_TMPDIR/cc.err" ||
		    failed+=("$f: $(head -n 1 "$BATS_TEST_TMPDIR/cc.err")")
	done < <(src_files)
	(( ${#failed[@]} == 0 )) || fail "$(printf '%s\n' "${failed[@]}")"
}

# HACKING.md's line "Layers, lowest first: base net ...".
layers() {
	sed -n 's/^Layers, lowest first: //p' "$TOP_SRCDIR/HACKING.md"
}

@test "no cycle in the calls between source files, no call to a later layer" {
	local -a order
	command -v nm >/dev/null || skip "no nm"
	[[ -f $TOP_BUILDDIR/src/parent/loop.o ]] || skip "no objects in $TOP_BUILDDIR"
	read -r -a order <<<"$(layers)"
	(( ${#order[@]} >= 10 )) || fail "HACKING.md has no line of layers"
	run python3 "$TOP_SRCDIR/tests/lib/src-deps.py" "$TOP_BUILDDIR" \
	    "$TOP_SRCDIR/src" "${order[@]}"
	(( status == 0 )) ||
	    fail "$(grep -E '^(cycle|upward|unlisted)' <<<"$output")"
	# The graph is real: the spawner calls the child and admission.
	assert_output_has "parent/spawner.c -> child/child.c"
	assert_output_has "parent/spawner.c -> parent/admission.c"
}

@test "the line of layers names every folder of src/ once" {
	local want got
	want=$(cd "$TOP_SRCDIR/src" && find . -mindepth 1 -maxdepth 1 -type d |
	    sed 's|^\./||' | sort | tr '\n' ' ')
	got=$(layers | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
	[[ $got == "$want" ]] ||
	    fail "HACKING.md's layers: $got; src/ has: $want"
}

# The checker itself: an upward call is found.
@test "the layer check catches a call to a later layer" {
	command -v nm >/dev/null || skip "no nm"
	[[ -f $TOP_BUILDDIR/src/parent/loop.o ]] || skip "no objects in $TOP_BUILDDIR"
	run python3 "$TOP_SRCDIR/tests/lib/src-deps.py" "$TOP_BUILDDIR" \
	    "$TOP_SRCDIR/src" reload parent services child handover daemon \
	    systemd board config net base migrate
	(( status == 1 )) || fail "a reversed order passed"
	assert_output_has "upward: parent/spawner.c -> child/child.c"
}

@test "HACKING.md's map names every source file under its folder, and no other" {
	local want got
	want=$(cd "$TOP_SRCDIR/src" && find . -mindepth 2 -name '*.c' |
	    sed 's|^\./||' | sort)
	got=$(awk '/^    src\/[a-z]+\/ / { dir = $1; next }
	    /^      [a-z_]+\.c / && dir != "" { print dir $1; next }
	    /^$/ { dir = "" }' "$TOP_SRCDIR/HACKING.md" | sed 's|^src/||' | sort)
	[[ $got == "$want" ]] ||
	    fail "$(diff <(echo "$want") <(echo "$got") | sed -n 's/^</not in HACKING.md:/p; s/^>/no such file:/p')"
}
