/*
 * The configuration in the hand-over (see handover_config.h): the old
 * image writes the name and the very text of every file it checked, the
 * new one loads those, not what the files hold by the time it runs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "handover/handover.h"
#include "handover/handover_config.h"
#include "handover/handover_text.h"

/* Escaped in pieces: a configuration may be a megabyte. */
static int
handover_add_text(int memfd, const char *word, const char *text, size_t len)
{
	char piece[1024 + 1], esc[sizeof(piece) * 4];
	size_t at, n;

	if (dprintf(memfd, "%s ", word) < 0)
		return -1;
	for (at = 0; at < len; at += n) {
		n = len - at < sizeof(piece) - 1 ? len - at : sizeof(piece) - 1;
		memcpy(piece, text + at, n);
		piece[n] = '\0';
		if (memchr(piece, '\0', n) != NULL ||
		    handover_escape(esc, sizeof(esc), piece) == NULL) {
			errno = EINVAL;
			return -1;
		}
		if (dprintf(memfd, "%s", esc) < 0)
			return -1;
	}
	return dprintf(memfd, "\n") < 0 ? -1 : 0;
}

int
handover_add_config(int memfd, const struct config *cf)
{
	const struct conf_source *cs;
	size_t i;

	static const char *const words[][2] = {
		[CONF_SOURCE_MAIN] = { "configfile", "config" },
		[CONF_SOURCE_INCLUDE] = { "includefile", "include" },
		[CONF_SOURCE_INETD] = { "inetdfile", "inetd" },
	};

	for (i = 0; i < cf->cf_nsources; i++) {
		cs = &cf->cf_sources[i];
		if (cs->cs_path != NULL && handover_add_text(memfd,
		    words[cs->cs_kind][0], cs->cs_path,
		    strlen(cs->cs_path)) == -1)
			return -1;
		if (handover_add_text(memfd, words[cs->cs_kind][1],
		    cs->cs_text, cs->cs_len) == -1)
			return -1;
	}
	return 0;
}

int
handover_config_line(struct handover *ho, char *rest, int kind, int text)
{
	struct conf_source *cs = ho->ho_nsources > 0 ?
	    &ho->ho_sources[ho->ho_nsources - 1] : NULL;
	int main = kind == CONF_SOURCE_MAIN;
	int opens = !text || (main && cs == NULL);
	size_t len;

	if (handover_unescape(rest) == -1 ||
	    (len = strlen(rest)) > (text ? CONF_FILE_MAX : PATH_MAX))
		return -1;
	if (opens) {
		/* The main source first, each after a complete one. */
		if (main != (cs == NULL) || (cs != NULL && cs->cs_text == NULL))
			return -1;
		cs = reallocarray(ho->ho_sources, ho->ho_nsources + 1,
		    sizeof(*cs));
		if (cs == NULL)
			return -1;
		ho->ho_sources = cs;
		cs = &ho->ho_sources[ho->ho_nsources++];
		memset(cs, 0, sizeof(*cs));
		cs->cs_kind = kind;
	} else if (cs == NULL || cs->cs_text != NULL || cs->cs_kind != kind)
		return -1;	/* a text for no path, or for another's */
	if (!text)
		return (cs->cs_path = strdup(rest)) == NULL ? -1 : 0;
	if ((cs->cs_text = strdup(rest)) == NULL)
		return -1;
	cs->cs_len = len;
	return 0;
}

