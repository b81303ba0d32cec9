/*
 * Unit tests for spawnd-migrate's xinetd.conf parser
 * (migrate/xinetd_parse.c): every form of a line (=, +=, -=, no value,
 * no blanks, comments, blank lines, braces alone on their lines,
 * include and includedir, CR LF ends) and every error with its line.
 */
#include <string.h>

#include "migrate/xinetd_parse.h"
#include "tap.h"

static struct xfile xf;
static char err[512];

static int
parse(const char *text)
{
	xinetd_free(&xf);
	return xinetd_parse(text, strlen(text), "x.conf", &xf, err,
	    sizeof(err));
}

/* Attribute i of entry e as "NAME OP v1|v2|..." */
static const char *
attr(size_t e, size_t i)
{
	static char buf[512];
	const struct xattr *xa = &xf.xf_entries[e].xe_attrs[i];
	size_t j;

	snprintf(buf, sizeof(buf), "%s %s", xa->xa_name, xa->xa_op == XOP_SET ?
	    "=" : xa->xa_op == XOP_ADD ? "+=" : "-=");
	for (j = 0; j < xa->xa_nvalues; j++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
		    j ? "|" : " ", xa->xa_values[j]);
	return buf;
}

static void
test_forms(void)
{
	ok(parse("# comment\n\n  # indented comment\n"
	    "defaults\n{\n\tinstances = 10\n\tonly_from =\n}\n"
	    "service echo\n  {  \n"
	    "\tsocket_type\t= stream\n"
	    "\tonly_from += 10.0.0.0/8 192.168.{1,2}\n"
	    "\tno_access -= 10.1.2.3\n"
	    "\tport=7\n"
	    "\tserver_args = -a # not a comment\n"
	    "  # a comment inside\n"
	    "}\r\n"
	    "includedir /etc/xinetd.d\n"
	    "include /etc/xinetd.extra\r\n") == 0, "every form parses: %s", err);
	ok(xf.xf_nentries == 4, "four entries");
	ok(xf.xf_entries[0].xe_kind == XK_DEFAULTS &&
	    xf.xf_entries[0].xe_name == NULL && xf.xf_entries[0].xe_line == 4,
	    "defaults, at its line");
	is_str(attr(0, 0), "instances = 10", "defaults' attribute");
	is_str(attr(0, 1), "only_from =", "an attribute with no value");
	ok(xf.xf_entries[1].xe_kind == XK_SERVICE &&
	    strcmp(xf.xf_entries[1].xe_name, "echo") == 0 &&
	    xf.xf_entries[1].xe_line == 9, "service echo at line 9");
	ok(xf.xf_entries[1].xe_nattrs == 5, "five attributes");
	is_str(attr(1, 0), "socket_type = stream", "tab before =");
	is_str(attr(1, 1), "only_from += 10.0.0.0/8|192.168.{1,2}", "+=");
	is_str(attr(1, 2), "no_access -= 10.1.2.3", "-=");
	is_str(attr(1, 3), "port = 7", "no blanks around =");
	is_str(attr(1, 4), "server_args = -a|#|not|a|comment",
	    "a '#' after a value is values, as xinetd reads it");
	ok(xf.xf_entries[1].xe_attrs[3].xa_line == 14, "an attribute's line");
	ok(xf.xf_entries[2].xe_kind == XK_INCLUDEDIR &&
	    strcmp(xf.xf_entries[2].xe_name, "/etc/xinetd.d") == 0,
	    "includedir");
	ok(xf.xf_entries[3].xe_kind == XK_INCLUDE &&
	    strcmp(xf.xf_entries[3].xe_name, "/etc/xinetd.extra") == 0 &&
	    xf.xf_entries[3].xe_line == 19, "include, its CR a blank");
	ok(parse("") == 0 && xf.xf_nentries == 0, "an empty file");
	ok(parse("service a\n{\n\tport =+ 1\n}\n") == 0, "=+ parses");
	is_str(attr(0, 0), "port = +|1", "as '=' and the values '+' and '1'");
	ok(parse("service a\n{\n}") == 0 && xf.xf_nentries == 1 &&
	    xf.xf_entries[0].xe_nattrs == 0, "an empty section, no last newline");
}

/* text fails with "x.conf:LINE: " and a message holding what. */
static void
error_case(const char *text, unsigned line, const char *what)
{
	char want[64];

	snprintf(want, sizeof(want), "x.conf:%u: ", line);
	ok(parse(text) == -1 && strncmp(err, want, strlen(want)) == 0 &&
	    strstr(err, what) != NULL, "error %s'%s': %s", want, what, err);
}

static void
test_errors(void)
{
	error_case("service a\n{\n\tport = 1\n", 1, "no '}' before the end");
	error_case("\ndefaults\n{\n", 2, "defaults: no '}'");
	error_case("service a\n\tport = 1\n}\n", 1, "'{' expected alone");
	error_case("service a\n", 1, "'{' expected alone");
	error_case("service a {\n}\n", 1, "one name expected, found 2");
	error_case("service\n{\n}\n", 1, "one name expected, found 0");
	error_case("defaults x\n{\n}\n", 1, "nothing may follow");
	error_case("service a\n{ x\n}\n", 1, "'{' expected alone");
	error_case("service a\n{\n\tport 1\n}\n", 3, "ATTRIBUTE = VALUE");
	error_case("service a\n{\n\t= 1\n}\n", 3, "ATTRIBUTE = VALUE");
	error_case("service a\n{\n\tport *= 1\n}\n", 3, "ATTRIBUTE = VALUE");
	error_case("service a\n{\n\tservice b\n{\n}\n", 3, "ATTRIBUTE = VALUE");
	error_case("}\n", 1, "service, defaults, include or includedir");
	error_case("port = 7\n", 1, "service, defaults, include or includedir");
	error_case("include\n", 1, "include: one path expected, found 0");
	error_case("includedir a b\n", 1, "includedir: one path expected");
	error_case("# bell\a\n", 1, "a control character (byte 0x07)");
	error_case("\n\nservice a\x7f\n", 3, "byte 0x7f");
	xinetd_free(&xf);
	ok(xinetd_parse("\n\nservice a\0\n{\n}\n", 17, "x.conf", &xf, err,
	    sizeof(err)) == -1 && strcmp(err, "x.conf:3: a NUL byte") == 0,
	    "a NUL byte, at its line: %s", err);
}

int
main(void)
{
	test_forms();
	test_errors();
	xinetd_free(&xf);
	return tap_done();
}
