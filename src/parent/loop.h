/*
 * The parent's event loop.
 */
#ifndef SPAWND_PARENT_LOOP_H
#define SPAWND_PARENT_LOOP_H

struct server;

/*
 * Why server_loop() returned: stop; SIGHUP came; a watched file changed
 * (srv_watch.wt_path says which); the side job (srv_sidejob: a
 * reload's check) has ended and waits to be read.
 */
enum server_exit { SERVER_STOP, SERVER_RELOAD, SERVER_CHANGED,
    SERVER_SIDEJOB };

/* Run until a signal asks to stop or to reload, or the side job ends. */
enum server_exit server_loop(struct server *srv);

#endif
