/*
 * Fuzz harness for the configuration loader: comment stripping
 * (confstrip.c), the layout scan, and conf_load() itself -- libconfuse
 * parsing, conversion and every validator -- on a configuration file
 * made of the input bytes (a memfd, opened by conf_load() through
 * /proc/self/fd, so the real loading path runs, file reading included).
 *
 * Invariants, each checked with fuzz_check():
 *   - stripping keeps the length and every newline, and changes bytes
 *     only into spaces; stripping twice changes nothing more;
 *   - every error is one line "FILE:LINE: message" whose LINE lies
 *     within the input (spawnd promises true line numbers);
 *   - a load that succeeds reports no error and can be freed; one that
 *     fails reports as many errors as it counts and leaves the config
 *     empty.
 * Leaks on any path are the sanitizer's to find.
 *
 * Built by tests/fuzz/run.sh with libFuzzer, or with tests/fuzz/replay.c
 * for make check.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/conf_strip.h"
#include "config/config.h"
#include "fuzz.h"
#include "services/service.h"

struct fuzz_errors {
	const char	*fe_path;
	unsigned	 fe_max_line;	/* lines in the input, + 1 */
	unsigned	 fe_count;
};

static void
check_strip(const uint8_t *data, size_t size)
{
	struct conf_layout ly;
	char *once, *twice;
	size_t i;

	if ((once = conf_strip_comments((const char *)data, size)) == NULL)
		return;
	fuzz_check(once[size] == '\0', "stripped text not terminated");
	for (i = 0; i < size; i++) {
		fuzz_check(once[i] == (char)data[i] || once[i] == ' ',
		    "stripping changed a byte into something but a space");
		fuzz_check((data[i] == '\n') == (once[i] == '\n'),
		    "stripping moved a newline");
	}
	if ((twice = conf_strip_comments(once, size)) != NULL) {
		fuzz_check(memcmp(once, twice, size) == 0,
		    "stripping twice changed the text again");
		free(twice);
	}
	memset(&ly, 0, sizeof(ly));
	if (conf_layout_scan(once, size, &ly) == 0) {
		for (i = 0; i < ly.ly_nsections; i++)
			fuzz_check(ly.ly_sections[i] >= 1 &&
			    ly.ly_sections[i] <= ly.ly_lines,
			    "section line outside the text");
		fuzz_check(ly.ly_open_line <= ly.ly_lines,
		    "unterminated-at line outside the text");
		conf_layout_free(&ly);
	}
	free(once);
}

/* Every reported error must be "PATH:LINE: ..." with LINE in the input. */
static void
report(void *arg, const char *line)
{
	struct fuzz_errors *fe = arg;
	size_t plen = strlen(fe->fe_path);
	unsigned long n;
	char *end;

	fe->fe_count++;
	fuzz_check(strchr(line, '\n') == NULL, "newline inside an error");
	fuzz_check(strncmp(line, fe->fe_path, plen) == 0 && line[plen] == ':',
	    "error does not start with the file name");
	n = strtoul(line + plen + 1, &end, 10);
	fuzz_check(end != line + plen + 1 && end[0] == ':' && end[1] == ' ',
	    "error without a line number");
	fuzz_check(n >= 1 && n <= fe->fe_max_line, "error line outside the file");
}

static unsigned
count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;

	while (size-- > 0)
		if (*data++ == '\n')
			n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct fuzz_errors fe = { path, 0, 0 };
	struct config cf;
	int n;

	check_strip(data, size);
	/*
	 * An include glob would load this machine's files (and their errors
	 * name them): tests/22-include.bats covers include.
	 */
	if (memmem(data, size, "include", 7) != NULL)
		return 0;
	if (fd == -1) {
		fd = memfd_create("fuzz.conf", MFD_CLOEXEC);
		fuzz_check(fd != -1, "memfd_create failed");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	fuzz_check(ftruncate(fd, 0) == 0 &&
	    pwrite(fd, data, size, 0) == (ssize_t)size, "writing the memfd");
	fe.fe_max_line = count_lines(data, size);
	n = conf_load(&cf, svc_types, path, "/nonexistent", report, &fe);
	fuzz_check(n >= 0, "the memfd could not be read");
	if (n == 0) {
		fuzz_check(fe.fe_count == 0, "errors reported, but loaded");
		conf_free(&cf);
	} else {
		fuzz_check(fe.fe_count == (unsigned)n,
		    "the error count is not the number of errors reported");
		fuzz_check(cf.cf_services == NULL && cf.cf_nservices == 0,
		    "a failed load left services behind");
	}
	return 0;
}
