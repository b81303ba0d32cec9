/*
 * The configuration's files in the reload hand-over (handover.h lists
 * the records): "configfile PATH" and "config TEXT" for the main file
 * (the built-in text has no path), then "includefile PATH" and "include
 * TEXT" for each file it included, in order, and "inetdfile PATH" and
 * "inetd TEXT" for its inetd_conf.
 */
#ifndef SPAWND_HANDOVER_HANDOVER_CONFIG_H
#define SPAWND_HANDOVER_HANDOVER_CONFIG_H

struct config;
struct handover;

/* The old image: cf's sources, each file's name and text.  0 or -1. */
int handover_add_config(int memfd, const struct config *cf);

/*
 * The new image: the rest of a record of those (after its word; kind:
 * CONF_SOURCE_*, text: a TEXT not a PATH) into ho_sources.  A path opens a source, its text completes it; the main
 * one comes first.  Returns 0, or -1 for a record out of place.
 */
int handover_config_line(struct handover *ho, char *rest, int kind,
    int text);

#endif
