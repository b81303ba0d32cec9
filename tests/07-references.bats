#!/usr/bin/env bats
#
# References a reader can follow (issue 26): comments in src/ point to
# the man pages or HACKING.md, which ship with the source, never to the
# design notes or the style guide kept outside the repository.  A
# citation names its page, a comma and a section heading in double
# quotes, more headings joined by "," or "and":
#   (spawnd(8), "SIGNALS")
#   (spawnd.conf(5), "Global options" and "Service sections")
#   (HACKING.md, "The build tree")
# Each heading must be one of the page's: a .Sh or .Ss line of
# man/PAGE.N.in, a "##" line of HACKING.md.  A citation may run over a
# line break of its comment.

load lib/helpers

setup() { :; }
teardown() { :; }

# A citation: the page, then its quoted headings.
CITATION_RE='(spawnd|spawnd\.conf|spawnd-migrate)\([58]\), "[^"]+"((,| and) "[^"]+")*|HACKING\.md, "[^"]+"((,| and) "[^"]+")*'

# The section headings of PAGE ("spawnd.conf(5)", "HACKING.md"), one a line.
headings() {
	local page=$1 name sect
	if [[ $page == HACKING.md ]]; then
		sed -nE 's/^##+[[:space:]]+//p' "$TOP_SRCDIR/HACKING.md"
		return
	fi
	name=${page%%(*}
	sect=${page#*(}
	sect=${sect%)}
	sed -nE 's/^\.S[hs][[:space:]]+//p' "$TOP_SRCDIR/man/$name.$sect.in" |
	    tr -d '"'
}

# The citations in FILE: its lines without the comment marks that start
# them, joined into one, so that a citation split over lines is whole.
citations() {
	sed -E 's,^[[:space:]]*(/\*+|\*+|//)?[[:space:]]*,,' "$1" | tr '\n' ' ' |
	    tr -s ' \t' ' ' | grep -oE "$CITATION_RE" || true
}

@test "src/ cites the man pages and HACKING.md only, by headings they have" {
	local outside f cite page heading n=0 bad=()
	outside=$(cd "$TOP_SRCDIR" && grep -rnE 'DESIGN|STYLE\.md' src || true)
	[[ -z $outside ]] ||
	    fail "src/ cites files outside the repository; cite the man pages or HACKING.md:" \
	    "$outside"
	while read -r f; do
		while read -r cite; do
			[[ -n $cite ]] || continue
			n=$((n + 1))
			page=${cite%%, \"*}
			while read -r heading; do
				headings "$page" | grep -qxF "$heading" ||
				    bad+=("${f#"$TOP_SRCDIR"/}: $page has no section \"$heading\"")
			done < <(grep -oE '"[^"]+"' <<<"$cite" | tr -d '"')
		done < <(citations "$f")
	done < <(find "$TOP_SRCDIR/src" -name '*.[ch]' | sort)
	(( n >= 10 )) ||
	    fail "found only $n citations in src/ (has their form changed? update CITATION_RE)"
	(( ${#bad[@]} == 0 )) || fail "${bad[@]}"
}
