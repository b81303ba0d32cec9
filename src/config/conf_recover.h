/*
 * Parsing on after libconfuse stopped at an error: the statement it
 * stopped at is blanked out of the text (lines kept), so that the next
 * parse goes past it and finds the errors after it.
 */
#ifndef SPAWND_CONFIG_CONF_RECOVER_H
#define SPAWND_CONFIG_CONF_RECOVER_H

#include <stddef.h>

/*
 * In text (len bytes, comment-free, braces balanced: conf_braces.h),
 * blank the statement libconfuse stopped at on line: the one that
 * starts with the unknown option name if name is not NULL and is on
 * that line, else what starts on that line (a '{' there with all up to
 * its '}'), else on the nearest line before it with something to
 * blank.  A '}' closing what opened before stays.  Returns 1 if
 * something was blanked, 0 if nothing could be.
 */
int conf_recover(char *text, size_t len, unsigned line, const char *name);

#endif
