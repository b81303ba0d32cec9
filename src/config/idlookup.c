/*
 * NSS lookups in a child: see idlookup.h for why.  The child answers
 * with one fixed-size record on a pipe and exits; the parent reads it
 * and waits for that very PID, so the reaper never sees the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/idlookup.h"

struct idl_answer {
	int		ia_status;	/* 1 found, 0 no such name, -1 error */
	int		ia_errno;
	unsigned long	ia_id;
	int		ia_ngroups;
	gid_t		ia_groups[IDL_MAX_GROUPS];
};

enum idl_kind { IDL_USER, IDL_GROUP, IDL_GROUPLIST };

/* In the child: do the lookup, fill the answer. */
static void
idl_child(enum idl_kind kind, const char *name, gid_t gid,
    struct idl_answer *an)
{
	struct passwd *pw;
	struct group *gr;

	errno = 0;
	switch (kind) {
	case IDL_USER:
		if ((pw = getpwnam(name)) != NULL)
			an->ia_id = pw->pw_uid;
		an->ia_status = pw != NULL ? 1 : 0;
		break;
	case IDL_GROUP:
		if ((gr = getgrnam(name)) != NULL)
			an->ia_id = gr->gr_gid;
		an->ia_status = gr != NULL ? 1 : 0;
		break;
	case IDL_GROUPLIST:
		an->ia_ngroups = IDL_MAX_GROUPS;
		/* -1: more groups than fit; the first IDL_MAX_GROUPS are kept. */
		if (getgrouplist(name, gid, an->ia_groups, &an->ia_ngroups) == -1)
			an->ia_ngroups = IDL_MAX_GROUPS;
		an->ia_status = 1;
		break;
	}
	/* getpwnam's errno after "not found" varies (ENOENT, ESRCH, ...). */
	an->ia_errno = errno;
}

static int
idl_read(int fd, struct idl_answer *an)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*an)) {
		n = read(fd, (char *)an + got, sizeof(*an) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int
idl_ask(enum idl_kind kind, const char *name, gid_t gid,
    struct idl_answer *an)
{
	int pipefd[2], status, rc, saved;
	pid_t pid;

	memset(an, 0, sizeof(*an));
	if (pipe2(pipefd, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		saved = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close(pipefd[0]);
		idl_child(kind, name, gid, an);
		_exit(write(pipefd[1], an, sizeof(*an)) == (ssize_t)sizeof(*an) ?
		    0 : 1);
	}
	close(pipefd[1]);
	rc = idl_read(pipefd[0], an);
	saved = errno;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (rc == -1) {
		errno = saved != 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

int
idl_name(int group, const char *name, unsigned long *id)
{
	struct idl_answer an;

	if (idl_ask(group ? IDL_GROUP : IDL_USER, name, 0, &an) == -1)
		return -1;
	if (an.ia_status == 1)
		*id = an.ia_id;
	errno = an.ia_errno;
	return an.ia_status;
}

int
idl_grouplist(const char *user, gid_t gid, gid_t *groups)
{
	struct idl_answer an;

	if (idl_ask(IDL_GROUPLIST, user, gid, &an) == -1)
		return -1;
	memcpy(groups, an.ia_groups, (size_t)an.ia_ngroups * sizeof(gid_t));
	return an.ia_ngroups;
}
