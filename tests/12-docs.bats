#!/usr/bin/env bats
# Documentation and packaging (issue 4).  The man pages cannot fall
# behind the code: every option of the configuration schema in
# src/config/conf_parse.c has an entry in spawnd.conf(5), every service type a
# description, and every flag of the getopt tables (src/daemon/options.c) an entry in
# spawnd(8), and the other way round.  The pages are mandoc-clean, the
# shipped configuration and the examples of spawnd.conf(5) pass
# "spawnd -t", the shipped configuration shows every option, and the
# systemd unit passes "systemd-analyze verify".  Makefile.am's hand
# lists (automake has no globs) name every source, test and helper, so
# that none is silently left unbuilt, unrun or unshipped.

load lib/helpers

# Only the -t test runs the binary; the socket unit's test starts a
# daemon (spawnd_setup in the test, spawnd_teardown after it).
setup() {
	DOC_CONF5=$(generated man/spawnd.conf.5)
	DOC_MAN8=$(generated man/spawnd.8)
	DOC_MIGRATE8=$(generated man/spawnd-migrate.8)
	SPAWND_CONF=
}
teardown() {
	[[ -z $SPAWND_CONF ]] || spawnd_teardown
}

# A file made from FILE.in at build time; its source when not built yet
# (the markup is the same, only configure's paths differ).
generated() {
	if [[ -f $TOP_BUILDDIR/$1 ]]; then
		echo "$TOP_BUILDDIR/$1"
	else
		echo "$TOP_SRCDIR/$1.in"
	fi
}

# The schema's option and section names: the first argument of every
# CFG_STR("name", ...), CFG_INT, CFG_BOOL, CFG_STR_LIST, CFG_SEC, ...
# The file is joined into one line so that a call split over lines counts.
schema_options() {
	tr '\n' ' ' <"$TOP_SRCDIR/src/config/conf_parse.c" |
	    grep -oE 'CFG_[A-Z_]+[[:space:]]*\([[:space:]]*"[A-Za-z0-9_]+"' |
	    sed -E 's/.*"([^"]+)"$/\1/' | sort -u
}

# Options documented in spawnd.conf(5): its ".It Ic name" entries.
documented_options() {
	sed -nE 's/^\.It Ic ([A-Za-z0-9_]+).*/\1/p' "$DOC_CONF5" | sort -u
}

# The getopt_long() tables (spawnd's in src/daemon/options.c): the optstring and the long names.
optstring() {
	sed -nE 's/.*optstring\[\][[:space:]]*=[[:space:]]*"([^"]*)".*/\1/p' \
	    "${1:-$TOP_SRCDIR/src/daemon/options.c}" | head -n 1
}
long_options() {
	tr '\n' ' ' <"${1:-$TOP_SRCDIR/src/daemon/options.c}" |
	    grep -oE '\{[[:space:]]*"[a-z0-9-]+"[[:space:]]*,[[:space:]]*(no|required|optional)_argument' |
	    sed -E 's/^\{[[:space:]]*"([^"]+)".*/\1/' | sort -u
}

# mandoc -Tlint, less what depends on which manuals this machine has
# installed: cross-references to pages that are not installed (ours are
# not, before "make install") and notes about its mandoc.db.
lint() {
	mandoc -Tlint "$1" 2>&1 |
	    grep -vE 'referenced manual not found|outdated mandoc\.db' || true
}

@test "every option of the configuration schema has an entry in spawnd.conf(5)" {
	local -a known
	local name missing=
	mapfile -t known < <(schema_options)
	(( ${#known[@]} >= 20 )) ||
	    fail "found only ${#known[@]} options in src/config/conf_parse.c: ${known[*]}" \
	    "(has the schema's form changed? update schema_options)"
	for name in "${known[@]}"; do
		grep -qE "^\.It Ic $name( |$)" "$DOC_CONF5" || missing+=" $name"
	done
	[[ -z $missing ]] || fail "options missing from $DOC_CONF5:$missing"
}

@test "spawnd.conf(5) documents no option the parser does not know" {
	local extra
	extra=$(comm -13 <(schema_options) <(documented_options) | tr '\n' ' ')
	[[ -z $extra ]] || fail "documented but unknown to src/config/conf_parse.c: $extra"
}

@test "every service type has an entry in spawnd.conf(5)" {
	local -a types
	local t missing=
	mapfile -t types < <(cat "$TOP_SRCDIR"/src/services/*.c |
	    sed -nE 's/.*\.sv_type[[:space:]]*=[[:space:]]*"([a-z0-9_]+)".*/\1/p' |
	    sort -u)
	(( ${#types[@]} >= 1 )) || fail "no .sv_type found in src/services/*.c"
	for t in "${types[@]}"; do
		grep -qE "^\.It Cm $t( |$)" "$DOC_CONF5" || missing+=" $t"
	done
	[[ -z $missing ]] || fail "service types missing from $DOC_CONF5:$missing"
}

@test "every flag of src/daemon/options.c has an entry in spawnd(8) and is in its synopsis" {
	local opts flag synopsis name missing=
	local -a longs
	opts=$(optstring)
	opts=${opts#[+:-]}
	[[ -n $opts ]] || fail "no optstring found in src/daemon/options.c"
	synopsis=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$DOC_MAN8")
	while [[ -n $opts ]]; do
		flag=${opts:0:1}
		opts=${opts:1}
		grep -qE "^\.It Fl $flag( |$)" "$DOC_MAN8" || missing+=" -$flag"
		if [[ ${opts:0:1} == : ]]; then
			opts=${opts#:}
			grep -qE "^\.Op Fl $flag Ar " <<<"$synopsis" ||
			    missing+=" -$flag(synopsis)"
		else
			grep -qE "^\.Op Fl [A-Za-z]*$flag" <<<"$synopsis" ||
			    missing+=" -$flag(synopsis)"
		fi
	done
	mapfile -t longs < <(long_options)
	(( ${#longs[@]} >= 1 )) || fail "no long options found in src/daemon/options.c"
	for name in "${longs[@]}"; do
		grep -qE "^\.It .*Fl \\\\-$name( |$)" "$DOC_MAN8" ||
		    missing+=" --$name"
	done
	[[ -z $missing ]] || fail "flags missing from $DOC_MAN8:$missing"
}

@test "spawnd(8) documents no flag src/daemon/options.c does not accept" {
	local opts flag name extra=
	opts=$(optstring)
	while read -r flag; do
		[[ $opts == *"$flag"* ]] || extra+=" -$flag"
	done < <(sed -nE 's/^\.It Fl ([A-Za-z0-9]).*/\1/p' "$DOC_MAN8")
	while read -r name; do
		long_options | grep -qx -- "$name" || extra+=" --$name"
	done < <(grep -oE '^\.It .*Fl \\-[a-z0-9-]+' "$DOC_MAN8" |
	    sed -E 's/.*Fl \\-//')
	[[ -z $extra ]] || fail "documented but not in src/daemon/options.c:$extra"
}

@test "mandoc -Tlint finds nothing in any page" {
	command -v mandoc >/dev/null || fail "mandoc is not installed"
	local page out
	for page in "$DOC_MAN8" "$DOC_CONF5" "$DOC_MIGRATE8"; do
		out=$(lint "$page")
		[[ -z $out ]] || fail "mandoc -Tlint $page:" "$out"
	done
}

# A page as an admin reads it: man-db's man(1) at 80 columns, plain text.
rendered() {
	MANWIDTH=80 MANPAGER=cat MAN_DISABLE_SECCOMP=1 man -l "$1" 2>&1 | col -b
}

# Glitches mandoc -Tlint lets through, as the rendered text shows them:
# a flag macro that took the words after it for flags ("Fl t , the
# configuration is valid" reads "-t, -the -configuration -is -valid"),
# a quote without its pair in a paragraph (less the escaped quote \" and
# chargen's line of every printable character), and in the source a
# quoted argument run into the next character, whose quotes roff eats.
@test "the pages render at 80 columns without a flag run into words or a quote without its pair" {
	command -v man >/dev/null || fail "man is not installed (Debian package man-db)"
	local page text out
	for page in "$DOC_MAN8" "$DOC_CONF5" "$DOC_MIGRATE8"; do
		text=$(rendered "$page")
		[[ $(wc -l <<<"$text") -gt 100 ]] || fail "man -l $page rendered:" "$text"
		out=$(tr -s ' \t\n' '   ' <<<"$text" | grep -oE '(^| )-[a-z]{2,},? -[a-z]{2,}') || true
		[[ -z $out ]] || fail "$page: words rendered as flags:" "$out"
		# shellcheck disable=SC1112 # awk counts the typographic quotes
		out=$(awk 'BEGIN { RS = "" }
		{
			p = $0
			gsub(/\\"/, "", p)
			gsub(/!"#\$%&/, "", p)
			if (gsub(/"/, "", p) % 2 || gsub(/“/, "", p) != gsub(/”/, "", p) ||
			    gsub(/‘/, "", p) != gsub(/’/, "", p))
				print "paragraph " NR ": " $0
		}' <<<"$text")
		[[ -z $out ]] || fail "$page: a quote without its pair:" "$out"
	done
	# Where the rendered text cannot tell: a quoted macro argument with a
	# character after its closing quote (.Ql {"a", "b"} renders {"a", b }).
	out=$(grep -nE '^\.[A-Z][a-z].*[[:space:]]"[^"]*"[^"[:space:]]' \
	    "$DOC_MAN8" "$DOC_CONF5" "$DOC_MIGRATE8") || true
	[[ -z $out ]] || fail "quoted macro arguments run into the next word (write \\(dq):" "$out"
}

@test "spawnd-migrate(8) has every flag of src/migrate/main.c, and no other" {
	local opts flag name missing='' extra=''
	opts=$(optstring "$TOP_SRCDIR/src/migrate/main.c")
	[[ -n $opts ]] || fail "no optstring in src/migrate/main.c"
	while read -r flag; do
		grep -qE "^\.It Fl $flag( |$)" "$DOC_MIGRATE8" || missing+=" -$flag"
	done < <(grep -o . <<<"$opts")
	for name in $(long_options "$TOP_SRCDIR/src/migrate/main.c"); do
		grep -qE "^\.It .*Fl \\\\-$name( |$)" "$DOC_MIGRATE8" ||
		    missing+=" --$name"
	done
	while read -r flag; do
		[[ $opts == *"$flag"* ]] || extra+=" -$flag"
	done < <(sed -nE 's/^\.It Fl ([A-Za-z0-9]).*/\1/p' "$DOC_MIGRATE8")
	[[ -z $missing && -z $extra ]] ||
	    fail "missing from $DOC_MIGRATE8:$missing; not in main.c:$extra"
}

@test "the shipped configuration shows every option" {
	local conf name missing=
	conf=$(generated etc/spawnd.conf)
	for name in $(schema_options); do
		grep -qE "^[[:space:]]*#?[[:space:]]*$name([[:space:]]*=|[[:space:]])" \
		    "$conf" || missing+=" $name"
	done
	[[ -z $missing ]] || fail "options not shown in $conf:$missing"
}

@test "the shipped configuration passes spawnd -t" {
	[[ -x $SPAWND ]] || fail "SPAWND=$SPAWND is not an executable (build first)"
	local conf=$TOP_BUILDDIR/etc/spawnd.conf copy=$BATS_TEST_TMPDIR/spawnd.conf
	[[ -f $conf ]] || fail "$conf was not generated (run make)"
	# The default fortune file exists only once installed: use the one in
	# the source tree, on the same line so that line numbers stay true.
	sed "s|^#fortune_file = .*|fortune_file = \"$TOP_SRCDIR/etc/fortunes\"|" \
	    "$conf" >"$copy"
	grep -q "^fortune_file = \"$TOP_SRCDIR/etc/fortunes\"" "$copy" ||
	    fail "no global #fortune_file line to redirect in $conf"
	run --separate-stderr "$SPAWND" -t -c "$copy"
	# shellcheck disable=SC2154 # set by bats: run --separate-stderr
	[[ $status -eq 0 && $output == "configuration OK" ]] ||
	    fail "spawnd -t -c $copy: status $status" "stdout: $output" "stderr: $stderr"
}

@test "the systemd units are generated and pass systemd-analyze verify" {
	command -v systemd-analyze >/dev/null ||
	    fail "systemd-analyze is not installed (Debian package systemd)"
	local unit=$TOP_BUILDDIR/systemd/spawnd.service
	local dir=$BATS_TEST_TMPDIR copy=$BATS_TEST_TMPDIR/spawnd.service
	[[ -f $unit ]] || fail "$unit was not generated (run make)"
	! grep -n '@[a-z_]*@' "$unit" || fail "placeholders left in $unit"
	grep -qE '^ExecStart=/[^ ]*/spawnd -f' "$unit" || fail "bad ExecStart in $unit"
	# verify wants ExecStart's binary to exist: the built one stands in
	# for the installed one.  It looks up Documentation= with man(1):
	# give it the built pages.
	sed -E "s#^(ExecStart|ExecReload)=[^ ]*/spawnd #\1=$SPAWND #" "$unit" >"$copy"
	mkdir -p "$dir/man/man8" "$dir/man/man5"
	cp "$DOC_MAN8" "$dir/man/man8/spawnd.8"
	cp "$DOC_CONF5" "$dir/man/man5/spawnd.conf.5"
	local socket=$TOP_BUILDDIR/systemd/spawnd.socket
	[[ -f $socket ]] || fail "$socket was not generated (run make)"
	cp "$socket" "$dir/spawnd.socket"
	run env MANPATH="$dir/man:" systemd-analyze verify "$copy" "$dir/spawnd.socket"
	[[ $status -eq 0 && -z $output ]] ||
	    fail "systemd-analyze verify: status $status" "$output"
}

@test "one pidfile: the unit's ExecStart and ExecReload (spawnd -r) and the shipped configuration name the same" {
	local unit=$TOP_BUILDDIR/systemd/spawnd.service start reload conf
	start=$(sed -nE 's|^ExecStart=[^ ]*/spawnd -f -p %t/(.*)$|/run/\1|p' "$unit")
	reload=$(sed -nE 's|^ExecReload=[^ ]*/spawnd -r -p %t/(.*)$|/run/\1|p' "$unit")
	conf=$(sed -nE 's|^pidfile = "(.*)"$|\1|p' "$TOP_BUILDDIR/etc/spawnd.conf")
	[[ -n $start && $start == "$reload" ]] ||
	    fail "ExecStart's pidfile '$start', ExecReload's '$reload':" "$(grep ^Exec "$unit")"
	# %t is /run for the system manager; configure's runstatedir is too
	# unless it was given another.
	[[ $(sed -n "s/^runstatedir = //p" "$TOP_BUILDDIR/Makefile") != /run ||
	    $conf == "$start" ]] ||
	    fail "the shipped configuration's pidfile '$conf' is not the unit's '$start'"
}

@test "spawnd.socket holds exactly the addresses spawnd binds for the shipped configuration" {
	local socket=$TOP_BUILDDIR/systemd/spawnd.socket conf=$TOP_BUILDDIR/etc/spawnd.conf
	[[ -f $socket ]] || fail "$socket was not generated (run make)"
	spawnd_setup
	# What spawnd itself makes of the file: a copy with each port the
	# unit names moved to a free one (every address of it alike), its
	# Unix socket in our directory, started and read from the log.  The
	# system's inetd.conf and drop-ins stay out of it: this is about
	# the file's own services.
	local -a ports want=() got=()
	local p addr svc kind var port copy=$BATS_TEST_TMPDIR/shipped.conf
	mapfile -t ports < <(sed -nE 's/^Listen(Stream|Datagram)=(.*:)?([0-9]+)$/\3/p' "$socket" |
	    sort -un)
	(( ${#ports[@]} >= 5 )) || fail "too few ports in $socket: ${ports[*]}"
	cp "$conf" "$copy"
	for p in "${ports[@]}"; do
		eval "local new_$p=\$(free_port)"
		var=new_$p
		sed -i -E "s/([\":])$p\"/\1${!var}\"/g" "$copy"
	done
	sed -i -E "s|\"/[^\"]*/catsock\"|\"$BATS_TEST_TMPDIR/catsock\"|" "$copy"
	{
		grep -vE '^(pidfile|user|group|log_target|fortune_file|inetd_conf|include)[[:space:]]*=' \
		    "$copy"
		config_globals
		printf 'fortune_file = "%s"\n' "$TOP_SRCDIR/etc/fortunes"
		printf 'user = "%s"\ngroup = "%s"\n' "$(id -un)" "$(id -gn)"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	while read -r svc addr kind; do
		port=${addr##*:}
		for p in "${ports[@]}"; do
			var=new_$p
			[[ $port == "${!var}" ]] || continue
			# A port alone is logged as "*:PORT".
			if [[ $addr == "*:$port" ]]; then
				addr=$p
			else
				addr=${addr%:*}:$p
			fi
		done
		[[ $addr == "$BATS_TEST_TMPDIR/catsock" ]] && addr=catsock
		got+=("$svc $addr ${kind:-stream}")
	done < <(sed -nE 's/.*server started on ([^ ]+) ([^ ]+)( \(datagram\))?$/\1 \2 \3/p' "$SPAWND_LOG" |
	    sed 's/(datagram)/datagram/')
	while read -r line; do
		case $line in
		'# service '*) svc=${line#\# service } ;;
		ListenStream=*) addr=${line#*=}; [[ $addr == */catsock ]] && addr=catsock
			want+=("$svc $addr stream") ;;
		ListenDatagram=*) want+=("$svc ${line#*=} datagram") ;;
		esac
	done <"$socket"
	[[ "$(printf '%s\n' "${want[@]}" | sort)" == "$(printf '%s\n' "${got[@]}" | sort)" ]] ||
	    fail "spawnd.socket says:" "${want[@]}" "spawnd binds:" "${got[@]}"
	(( ${#want[@]} >= 6 )) || fail "too few addresses in $socket: ${want[*]}"
}

@test "the shipped configuration listens on loopback addresses only" {
	local conf=$TOP_BUILDDIR/etc/spawnd.conf socket=$TOP_BUILDDIR/systemd/spawnd.socket
	local line addr bad=
	[[ -f $socket ]] || fail "$socket was not generated (run make)"
	# The unit holds the enabled services' addresses (the test above
	# holds it to what spawnd binds): each a loopback one or a path.
	while IFS= read -r line; do
		addr=${line#*=}
		[[ $addr == 127.0.0.1:* || $addr == "[::1]:"* || $addr == /* ]] ||
		    bad+=" $line"
	done < <(grep -E '^Listen(Stream|Datagram)=' "$socket")
	[[ -z $bad ]] || fail "public addresses in $socket:$bad"
	# It reads the system's inetd.conf and drop-in directory.
	grep -qE '^inetd_conf = "/[^"]*/inetd\.conf"' "$conf" ||
	    fail "no inetd_conf in $conf"
	grep -qE '^include = \{"/[^"]*/spawnd\.d/\*\.conf"\}' "$conf" ||
	    fail "no include of spawnd.d in $conf"
}

@test "the configuration examples of spawnd.conf(5) pass spawnd -t" {
	[[ -x $SPAWND ]] || fail "SPAWND=$SPAWND is not an executable (build first)"
	local n=0 f
	# Each literal display of EXAMPLES that holds a service section is a
	# whole configuration file.
	awk -v dir="$BATS_TEST_TMPDIR" '
		/^\.Sh EXAMPLES/ { ex = 1; next }
		/^\.Sh / { ex = 0 }
		ex && /^\.Bd -literal/ { n++; f = dir "/example" n ".conf"; inb = 1; next }
		inb && /^\.Ed/ { inb = 0; close(f); next }
		inb { gsub(/\\e/, "\\"); gsub(/\\&/, ""); print > f }
	' "$DOC_CONF5"
	for f in "$BATS_TEST_TMPDIR"/example*.conf; do
		grep -q '^service ' "$f" || continue
		n=$((n + 1))
		# The default fortune file exists only once installed; a global
		# option may come last, which keeps the example's line numbers.
		echo "fortune_file = \"$TOP_SRCDIR/etc/fortunes\"" >>"$f"
		# A user may exist only where the example is meant to run
		# (git, the owner of its repositories): nobody stands in.
		sed -n 's/^[[:space:]]*user = "\([^"]*\)".*/\1/p' "$f" | while read -r u; do
			getent passwd "$u" >/dev/null || sed -i "s/user = \"$u\"/user = \"nobody\"/" "$f"
		done
		run --separate-stderr "$SPAWND" -t -c "$f"
		[[ $status -eq 0 && $output == "configuration OK" ]] ||
		    fail "example $f: status $status" "$(cat "$f")" "stderr: $stderr"
	done
	(( n >= 2 )) || fail "found only $n configuration examples in $DOC_CONF5"
}

@test "Makefile.am names every source, test and test helper, and only files that exist" {
	run python3 "$TOP_SRCDIR/tests/lib/am-lists.py" "$TOP_SRCDIR"
	(( status == 0 )) || fail "$output"
	assert_output_has "all present"
}
