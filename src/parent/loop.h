/*
 * The parent's event loop.
 */
#ifndef SPAWND_PARENT_LOOP_H
#define SPAWND_PARENT_LOOP_H

struct server;

/*
 * Why server_loop() returned: stop; SIGHUP came; a watched file changed
 * (srv_watch.wt_path says which); a reload's check (srv_check) has
 * ended and waits for its verdict.
 */
enum server_exit { SERVER_STOP, SERVER_RELOAD, SERVER_CHANGED,
    SERVER_CHECKED };

/* Run until a signal asks to stop or to reload, or a check ends. */
enum server_exit server_loop(struct server *srv);

#endif
