/*
 * A main() for a fuzz harness built without libFuzzer, so that make
 * check runs the kept inputs (tests/fuzz/corpus/NAME/) with the normal
 * compiler: every file of the directories (or files) given as arguments,
 * or of FUZZ_CORPUS when there are none, goes once through
 * LLVMFuzzerTestOneInput().  One TAP line per input; a broken invariant
 * or a sanitizer aborts with the input's name already printed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_count;

static int
replay_file(const char *path)
{
	unsigned char *buf;
	size_t len;
	FILE *fp;
	long end;

	if ((fp = fopen(path, "rb")) == NULL ||
	    fseek(fp, 0, SEEK_END) == -1 || (end = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1) {
		printf("not ok %d - %s: %s\n", ++replay_count, path,
		    strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	len = (size_t)end;
	/* One byte more, so that an empty input is a valid pointer too. */
	if ((buf = malloc(len + 1)) == NULL || fread(buf, 1, len, fp) != len) {
		printf("not ok %d - %s: cannot read\n", ++replay_count, path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	printf("# %s\n", path);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %d - %s (%zu bytes)\n", ++replay_count, path, len);
	return 0;
}

static int
replay_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int i, n, rc = 0;

	if ((n = scandir(dir, &names, NULL, replay_name_cmp)) == -1) {
		printf("not ok %d - %s: %s\n", ++replay_count, dir,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
			    names[i]->d_name);
			if (replay_file(path) == -1)
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0;

#ifdef FUZZ_CORPUS
	static char *dflt[] = { NULL, FUZZ_CORPUS, NULL };

	if (argc < 2) {
		dflt[0] = argv[0];
		argv = dflt;
		argc = 2;
	}
#endif
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc |= replay_dir(argv[i]);
		else
			rc |= replay_file(argv[i]);
	}
	printf("1..%d\n", replay_count);
	return rc == 0 ? 0 : 1;
}
