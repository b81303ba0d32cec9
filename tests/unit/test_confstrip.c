/*
 * Unit tests for src/config/conf_strip.c: comments become blanks, everything else
 * (strings, escapes, newlines) stays byte for byte, and the layout scan
 * finds section headers and unterminated strings or comments.
 */
#include <stdlib.h>
#include <string.h>

#include "config/conf_strip.h"
#include "tap.h"

/* Strip text and compare with want (which must be as long). */
static void
strip_is(const char *text, const char *want, const char *what)
{
	char	*got = conf_strip_comments(text, strlen(text));

	ok(strlen(want) == strlen(text), "%s: test is well-formed", what);
	is_str(got, want, "%s", what);
	free(got);
}

static unsigned
count_nl(const char *s)
{
	unsigned	n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_comments(void)
{
	strip_is("a = 1 # c\nb = 2\n", "a = 1    \nb = 2\n", "# to end of line");
	strip_is("a = 1 // c\nb = 2", "a = 1     \nb = 2", "// to end of line");
	strip_is("a = 1 #", "a = 1  ", "# at end of text, no newline");
	strip_is("#\n#\n", " \n \n", "comment-only lines keep their newlines");
	strip_is("a = /* x */ 1", "a =         1", "block comment inside a line");
	strip_is("a = 1 /* x\ny\nz */ b = 2", "a = 1     \n \n     b = 2",
	    "multi-line block comment keeps every newline");
	strip_is("/* a **/x", "        x", "**/ closes a block comment");
	strip_is("/*/ x */y", "        y", "/*/ does not close a block comment");
	strip_is("/* # // */a", "          a", "# and // inside a block comment");
	strip_is("# /* \na", "     \na", "/* inside a line comment is nothing");
	strip_is("a = x//y", "a = x   ", "// inside an unquoted word starts a comment");
	strip_is("a = x#y", "a = x  ", "# inside an unquoted word starts a comment");
	strip_is("a = 1 # c\r\nb", "a = 1     \nb",
	    "a CR before the newline is blanked too");
	strip_is("a = 1 /* c", "a = 1 /* c", "unterminated block comment is left");
	strip_is("", "", "empty text");
}

static void
test_lists(void)
{
	strip_is("l = { \"a\", # one\n \"b\" // two\n /* end */ }",
	    "l = { \"a\",      \n \"b\"       \n           }",
	    "comments inside a list");
	strip_is("l = {\"a\" /* x */, \"b\"}", "l = {\"a\"        , \"b\"}",
	    "block comment between list items");
}

static void
test_strings(void)
{
	strip_is("a = \"x # y // z /* w */\" # c",
	    "a = \"x # y // z /* w */\"    ", "comment marks inside \"...\"");
	strip_is("a = 'x # y // z' # c", "a = 'x # y // z'    ",
	    "comment marks inside '...'");
	strip_is("a = \"x\\\"#y\" #c", "a = \"x\\\"#y\"   ",
	    "escaped double quote does not end the string");
	strip_is("a = 'x\\'#y' #c", "a = 'x\\'#y'   ",
	    "escaped single quote does not end the string");
	strip_is("a = \"x\\\\\" #c", "a = \"x\\\\\"   ",
	    "escaped backslash before the closing quote");
	strip_is("a = \"x\\\n#y\" #c", "a = \"x\\\n#y\"   ",
	    "backslash-newline continues a string");
	strip_is("a = \"two\nlines # z\" # c", "a = \"two\nlines # z\"    ",
	    "newline inside a string");
	strip_is("a = \"it's\" # c", "a = \"it's\"    ",
	    "single quote inside a double-quoted string");
	strip_is("a = 'say \"hi\"' # c", "a = 'say \"hi\"'    ",
	    "double quote inside a single-quoted string");
	strip_is("a = \"unterminated # x\nb = 1 # y",
	    "a = \"unterminated # x\nb = 1 # y",
	    "unterminated string: the rest is left alone");
	strip_is("a = ${X#y} # c", "a = ${X#y}    ",
	    "${...} is one token, as libconfuse reads it");
	strip_is("a = \"${X\"#}\" # c", "a = \"${X\"#}\"    ",
	    "${...} inside a string runs to its }");
}

static void
test_lines_kept(void)
{
	const char	*text =
	    "# one\n// two\n/* three */\n/*\n * four to six\n */\n"
	    "log_target = \"stderr\"\n# eight\nservice hello {\n";
	char		*got = conf_strip_comments(text, strlen(text));

	ok(got != NULL && count_nl(got) == count_nl(text),
	    "newline count kept");
	ok(got != NULL && strstr(got, "#") == NULL && strstr(got, "//") ==
	    NULL && strstr(got, "/*") == NULL, "no comment mark left");
	ok(got != NULL && strncmp(got + (strstr(text, "log_target") - text),
	    "log_target", 10) == 0, "text stays at its offset");
	free(got);
	got = conf_strip_comments("a\0#b\n", 5);
	ok(got != NULL && memcmp(got, "a\0  \n", 6) == 0,
	    "length-counted: a NUL byte is copied, not an end");
	free(got);
}

/* Scan text as the loader does: stripped first. */
static int
scan(const char *text, struct conf_layout *ly)
{
	char	*clean = conf_strip_comments(text, strlen(text));
	int	 rc;

	if (clean == NULL)
		return -1;
	rc = conf_layout_scan(clean, strlen(text), ly);
	free(clean);
	return rc;
}

static void
test_layout(void)
{
	struct conf_layout	ly;

	ok(scan("a = 1\nservice x {\n l = {\"1\", \"2\"}\n}\n\n"
	    "service \"y z\"\n{\n}\nservice w { }", &ly) == 0 &&
	    ly.ly_nsections == 3 && ly.ly_sections[0] == 2 &&
	    ly.ly_sections[1] == 6 && ly.ly_sections[2] == 9,
	    "section headers, Allman braces, one-line section");
	ok(ly.ly_open_line == 0 && ly.ly_lines == 9, "last line is 9");
	conf_layout_free(&ly);
	ok(scan("# c\n/* {\n */ service x { # {\n a = \"}{\" }\n"
	    "service y {}\n", &ly) == 0 && ly.ly_nsections == 2 &&
	    ly.ly_sections[0] == 3 && ly.ly_sections[1] == 5,
	    "braces in comments and strings do not count");
	ok(ly.ly_lines == 5, "a final newline does not add a line");
	conf_layout_free(&ly);
	ok(scan("a = \"two\nlines\"\nservice x {}", &ly) == 0 &&
	    ly.ly_nsections == 1 && ly.ly_sections[0] == 3,
	    "a newline inside a string is counted");
	conf_layout_free(&ly);
	ok(scan("a = 1\n\n/* never\nclosed\nservice x {}", &ly) == 0 &&
	    ly.ly_open_line == 3 && strcmp(ly.ly_open_what, "comment") == 0,
	    "unterminated comment found at its first line");
	conf_layout_free(&ly);
	ok(scan("a = 1\nb = 'open\nservice x {}", &ly) == 0 &&
	    ly.ly_open_line == 2 && strcmp(ly.ly_open_what, "string") == 0,
	    "unterminated string found at its first line");
	conf_layout_free(&ly);
	ok(scan("", &ly) == 0 && ly.ly_nsections == 0 && ly.ly_lines == 1,
	    "empty text has one line and no section");
	conf_layout_free(&ly);
}

int
main(void)
{
	test_comments();
	test_lists();
	test_strings();
	test_lines_kept();
	test_layout();
	return tap_done();
}
