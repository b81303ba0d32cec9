/*
 * The Prometheus text exposition (format 0.0.4) of the board: the page
 * the metrics service serves, built apart from the HTTP around it.
 */
#ifndef SPAWND_SERVICES_METRICS_TEXT_H
#define SPAWND_SERVICES_METRICS_TEXT_H

struct config;
struct stats_board;
struct textbuf;

/*
 * Append every metric of sb (NULL: only spawnd_build_info) to tb, the
 * services named as in cf, whose order the board keeps.
 */
void metrics_page(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf);

#endif
